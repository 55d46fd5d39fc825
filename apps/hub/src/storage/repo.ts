/**
 * The hub's repository: typed, batched queries that run unchanged on SQLite and
 * PostgreSQL. Every function takes a `Tx` first — the `tx` of
 * `storage.transaction(async (tx) => …)` for writes, or `storage.read` for reads.
 * Batches become a few multi-row statements (never one round trip per row); inputs
 * of any size are chunked under both dialects' parameter limits.
 *
 * Ledger (repo-ledger.ts)
 * - applyBalanceDeltas(tx, [{walletId, assetId, delta}]) → new Balance rows (upsert value += delta, merged per pair)
 * - loadBalances(tx, pairs) → Map<balanceKey(wallet, asset), value> (missing = 0); loadWalletBalances(tx, walletIds)
 * - sumBalancesByAsset(tx) → Map<asset, Σ>
 * - upsertMemberships(tx, rows), loadMemberships(tx, walletIds)
 * - insertTransfers(tx, rows) → seqs in input order (increasing, commit order; transaction only)
 * - listTransfersAfter(tx, seq, limit), getTransfersByEntry(tx, entryIds), latestTransferSeq(tx)
 * - sealTransfers(tx, blockHeight, [{seq, hash}]) (never rewrites a sealed transfer)
 * - insertPaymentRef(tx, ref, transferId) → false if already used; isPaymentRefUsed(tx, ref)
 * - insertBlock(tx, block), latestBlock(tx), getBlock(tx, height), listBlocksAfter(tx, height, limit)
 * - appendCardChanges(tx, cardIds, at) → new cursor; listCardChangesAfter(tx, cursor, limit) → {cursor, cardIds};
 *   latestCardChange(tx) (read it BEFORE the card states of a full snapshot: later changes then come as deltas)
 *
 * Sync (repo-sync.ts)
 * - insertTerminal, getTerminal, getTerminalByPublicKey, listTerminals(tx, placeId?)
 * - updateTerminalHead(tx, {id, fromSeq, lastSeq, lastHash, lastSeenAt, rejected}) → false if the head moved meanwhile
 * - setTerminalStatus, touchTerminal, setTerminalPolicyOverrides
 * - insertPairingCode, claimPairingCode(tx, codeHash, now) → claimed | unknown | expired | used; setPairingTerminal
 * - insertEntries(tx, rows) → {inserted ids, skipped rows} (ON CONFLICT DO NOTHING on id and (terminal, seq))
 * - getEntriesByIds, getEntryHolders, getEntriesBySeq(tx, terminal, seqs), listEntries(tx, terminal, afterSeq, limit)
 * - insertQuarantine(tx, rows), listQuarantine(tx, terminal, limit)
 *
 * Directory (repo-directory.ts)
 * - initHubIdentity (first writer wins), getHubIdentity
 * - insertWallets, getWallets → Map, getPrimaryWallet
 * - insertPlace, getPlace, getPlaceByWallet, listPlaces, updatePlace
 * - insertUser, getUserByEmail (lower-cases), getUsers → Map
 * - insertAsset, getAssets → Map, listAssets, setAssetArchived
 * - insertFederation, addFederationPlaces, addFederationAssets, federatedAssetIdsOfPlace
 * - insertCardBatch, insertCards → {inserted, skipped}, loadCardsByTag → Map<firstTagId, Card>, getCards, updateCard
 * - addCardPrimaryPlaces, removeCardPrimaryPlace, loadPrimaryPlaces → Map<card, places>, listPrimaryCardsOfPlace
 * - insertProducts, listProducts, updateProduct
 * - insertOperatorToken, getOperatorToken, deleteOperatorToken
 * - insertVerifyRun, finishVerifyRun, latestVerifyRun
 *
 * Admin (repo-admin.ts)
 * - getPlaceByName, getAsset, getAssetByOriginAndName, getFederation, getFederationByName
 * - listFederations → with place and asset ids; removeFederationPlace, removeFederationAsset → false if not a member
 * - getCardBatch(tx, place, generation), findCard(tx, {uid?, firstTagId?, numberPrinted?, qrcode?})
 * - removeCardPrimaryPlaces(tx, card) → the places it was primary for; getProduct
 *
 * Requests (repo-requests.ts)
 * - insertRequest, getRequestByKey(tx, source, actor, key), getRequests, listRequests (newest first), listRequestsAfter(tx, id, limit)
 * - getTransfersByRequest(tx, requestIds)
 *
 * Operators (repo-operators.ts)
 * - listOperatorTokens, getActiveOperatorToken(tx, name), revokeOperatorToken(tx, hash, at) → false if already revoked
 * - setBalance(tx, wallet, asset, value): a repair's write (persistEffects, `balance-restored`), never a movement
 *
 * Payouts (repo-payouts.ts)
 * - insertPayout, listPayouts(tx, {wallet?, statuses?, batch?, ids?, limit?}), getPayout, setPayoutStatus
 * - insertPayoutBatch, getPayoutBatch, listPayoutBatches, setPayoutBatchFile, clearPayoutBatchFile, setPayoutBatchSent
 *
 * Payments (repo-payments.ts)
 * - insertPayment, getPayment, getPaymentBySession(tx, provider, session), getPaymentByReference(tx, provider, ref)
 * - setPaymentSession, markPaymentCredited → false unless it was pending
 * - listRefundablePayments(tx, provider, wallet) (newest first), addPaymentRefunded → false beyond the amount
 * Compensation (repo-compensation.ts)
 * - salesByHolder(tx, {holders, assets, from, to}) → Σ SAL+QRS per (receiver, asset) in [from, to) of hub time
 * - listCompensationRequests(tx, limit) oldest first; countTransfersOfAction(tx, action)
 * Time spent (repo-time.ts)
 * - badgeTaps(tx, placeWallet, from, to) by till time; hubRequestsByKeyPrefix(tx, prefix)
 * - upsertTimeRules(tx, row), getTimeRules(tx, place), listTimeRules(tx); timeBookingsOfCard(tx, card, limit) latest first
 * Wallets (repo-wallets.ts)
 * - listWalletTransfers(tx, wallet, {beforeSeq?, limit}) newest first; listUsers(tx, {search?, afterEmail?, limit})
 * - listCardsOfUser(tx, userId), removeNewUser(tx, user) (same transaction only), walletLabels(tx, walletIds) → Map (name, e-mail or card tag), cardTags(tx, cardIds) → Map
 *
 * Compat (repo-compat.ts), the Fedow-compatible API's rows
 * - insertCompatApiKey, getCompatApiKey(tx, prefix), revokeCompatApiKey → false if already revoked, listCompatApiKeys(tx, kind, place?)
 * - upsertCompatPlace, getCompatPlace; insertWalletKey → false if the wallet has one, getWalletKey
 * - insertCompatTokens (first uuid wins), getCompatTokens(tx, walletIds)
 * - insertCompatTransactions, getCompatTransactions → Map by transfer, getCompatTransactionByHash
 * - claimCompatDedupKeys(tx, keys, transfer) → false if one was used, isCompatDedupKeyUsed, getCompatDedupTransfer(tx, key)
 * - insertCompatAliases (first one kept), getCompatAliases(tx, ids) by alias or target, listCompatAliases
 * Outbox (repo-outbox.ts)
 * - insertOutboxEvents (in the change's transaction), listOutboxEvents, deleteOutboxEvents, countOutboxEvents
 * - insertWebhookEndpoint, getWebhookEndpoint, listWebhookEndpoints, removeWebhookEndpoint → false if already removed
 * - insertWebhookDeliveries, headDelivery(tx, endpoint), recordDeliveryAttempt → false unless pending, abandonDeliveries
 * - getWebhookDelivery, listWebhookDeliveries (newest first), countDeliveriesByStatus
 * Card holder's page (repo-holder.ts)
 * - insertHolderLink, claimHolderLink(tx, hash, now) → claimed | unknown | expired | used; countHolderLinksSince
 * - insertHolderSession, getHolderSession(tx, hash, now), deleteHolderSession, pruneHolderRows
 * - insertHolderCode, getHolderCode, spendHolderCodeTry, useHolderCode, countHolderCodesSince
 * - getHolderLimit(s), setHolderLimit, getHolderOption, setHolderOption, sumTransfersSentSince
 * Presence (repo-presence.ts)
 * - recordPresence(tx, recordedBy, rows): one hub's snapshot of its live tills; listPresence(tx)
 *
 * Reports (repo-reports.ts)
 * - turnoverGroups(tx, {from, to, placeId?}): SAL, QRS, REF, RFD, SUB summed per day, place, till, cashier, asset, payment
 * - tillNamesOfEntries(tx, entryIds) → Map<entry, till name>
 *
 * Pairing (repo-pairing.ts)
 * - listPendingPairingCodes(tx, now, limit): neither used nor expired, soonest to expire first
 *
 * Ordering: transfers.seq and card_changes.seq increase in commit order in both
 * dialects (see lockCommitOrder); in PostgreSQL a rolled-back transaction leaves a gap.
 */
export * from './repo-chain';
export * from './repo-dashboard';
export * from './repo-admin';
export * from './repo-directory';
export * from './repo-ledger';
export * from './repo-sync';
export * from './repo-requests';
export * from './repo-payouts';
export * from './repo-compensation';
export * from './repo-time';
export * from './repo-payments';
export * from './repo-wallets';
export * from './repo-melt';
export * from './repo-operators';
export * from './repo-signals';
export * from './repo-compat';
export * from './repo-import';
export * from './repo-outbox';
export * from './repo-holder';
export * from './repo-presence';
export * from './repo-reports';
export * from './repo-pairing';
export * from './repo-shifts';
export type * from './rows';
