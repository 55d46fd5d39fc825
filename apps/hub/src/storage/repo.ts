/**
 * The hub's repository: typed, batched queries that run unchanged on SQLite and
 * PostgreSQL. Every function takes a `Tx` first — the `tx` of
 * `storage.transaction(async (tx) => …)` for writes, or `storage.read` for reads.
 * Batches become a few multi-row statements (never one round trip per row); inputs
 * of any size are chunked under both dialects' parameter limits.
 *
 * Ledger (repo-ledger.ts)
 * - applyBalanceDeltas(tx, [{walletId, assetId, delta}]) → new Balance rows (upsert value += delta, merged per pair)
 * - setBalance(tx, wallet, asset, value): a repair's write (persistEffects, `balance-restored`), never a movement
 * - loadBalances(tx, pairs) → Map<balanceKey(wallet, asset), value> (missing = 0); loadWalletBalances(tx, walletIds)
 * - listBalancesAfter, listNegativeBalancesAfter(tx, cursor, limit): every (negative) balance, keyset-paged
 * - upsertMemberships(tx, rows), loadMemberships(tx, walletIds)
 * - insertTransfers(tx, rows) → seqs in input order (increasing, commit order; transaction only)
 * - listTransfersAfter(tx, seq, limit), listWalletTransfers(tx, wallet, {beforeSeq?, limit}) newest first
 * - hasFirstTransfer(tx, asset), latestTransferSeq(tx)
 * - insertPaymentRef(tx, ref, transferId) → false if already used; isPaymentRefUsed(tx, ref)
 * Ledger totals (repo-ledger-totals.ts)
 * - sumBalancesByAsset(tx) → Map<asset, Σ>; sumTransfersByAction(tx, primaryWallet), sumBalancesByKind(tx)
 * - listPlaceBalances(tx), listDebts(tx, limit) deepest first, countTransfersPerMinute(tx, sinceIso), countTransfersOfAction(tx, action)
 * Blocks (repo-blocks.ts)
 * - insertBlock(tx, block), sealTransfers(tx, blockHeight, [{seq, hash}]) (never rewrites a sealed transfer)
 * - latestBlock(tx), getBlock(tx, height), listBlocksAfter(tx, height, limit), listLatestBlocks(tx, limit)
 * - countTransfersOfBlocks(tx, blocks) → Map<height, n>, countUnsealedTransfers(tx)
 * Invariants (repo-invariants.ts), what `fedow verify` checks beyond the replay
 * - offlineSaleBodies(tx, wallet, asset, limit), entriesWithTransfers(tx, entryIds)
 * - transferOfUnappliedEntry(tx), transferOfUnappliedRequest(tx), countChain(tx)
 *
 * Terminals (repo-terminals.ts)
 * - insertTerminal, getTerminal, getTerminalByPublicKey, listTerminals(tx, placeId?)
 * - updateTerminalHead(tx, {id, fromSeq, lastSeq, lastHash, lastSeenAt, rejected}) → false if the head moved meanwhile
 * - setTerminalStatus, setTerminalPolicyOverrides
 * Pairing (repo-pairing.ts)
 * - insertPairingCode, claimPairingCode(tx, codeHash, now) → claimed | unknown | expired | used; setPairingTerminal
 * - listPendingPairingCodes(tx, now, limit): neither used nor expired, soonest to expire first
 * Entries (repo-entries.ts)
 * - insertEntries(tx, rows) → {inserted ids, skipped rows} (ON CONFLICT DO NOTHING on id and (terminal, seq))
 * - getEntriesByIds, getEntryHolders, getEntriesBySeq(tx, terminal, seqs), listEntries(tx, terminal, afterSeq, limit)
 * - listLatestEntriesOfTerminal(tx, terminal, limit), listRejectedEntries, listOfflineSales, listSaleEntriesOfWallet
 * - tillNamesOfEntries(tx, entryIds) → Map<entry, till name>
 * Quarantine (repo-quarantine.ts)
 * - quarantineBounded(tx, terminal, rows, bounds) → the till's new count; listQuarantine(tx, terminal, limit), listRecentQuarantine
 *
 * Identity (repo-identity.ts): initHubIdentity (first writer wins), getHubIdentity
 * Wallets (repo-wallets.ts)
 * - insertWallets, getWallets → Map, getWalletByPublicKey, setWalletPublicKey, getPrimaryWallet
 * - walletLabels(tx, walletIds) → Map (name, e-mail or card tag)
 * Places (repo-places.ts): insertPlace, getPlace, getPlaceByWallet, getPlaceByName, listPlaces, updatePlace
 * Directory version (repo-directory-version.ts): directoryToken(tx), the token the triggers of migration 0015 move at every directory write
 * Users (repo-users.ts)
 * - insertUser, getUserByEmail (lower-cases), getUsers → Map, listUsers(tx, {search?, afterEmail?, limit})
 * - removeNewUser(tx, user) (same transaction only)
 * Assets (repo-assets.ts): insertAsset, getAsset, getAssets → Map, getAssetByOriginAndName, listAssets, setAssetArchived
 * Federations (repo-federations.ts)
 * - insertFederation, getFederation, getFederationByName, listFederations → with place and asset ids
 * - addFederationPlaces, addFederationAssets; removeFederationPlace, removeFederationAsset → false if not a member
 * - federatedAssetIdsOfPlace
 * Cards (repo-cards.ts)
 * - insertCardBatch, getCardBatch(tx, place, generation)
 * - insertCards → {inserted, skipped}, loadCardsByTag → Map<firstTagId, Card>, getCards, findCard(tx, {uid?, firstTagId?, numberPrinted?, qrcode?})
 * - listCardsOfUser(tx, userId), cardTags(tx, cardIds) → Map, cardsOfWallets(tx, walletIds) → Map<wallet, cards>
 * - updateCard, updateCardLost (the first time stays)
 * - addCardPrimaryPlaces, removeCardPrimaryPlace, removeCardPrimaryPlaces(tx, card) → the places it was primary for
 * - loadPrimaryPlaces → Map<card, places>, listPrimaryCardsOfPlace
 * Card changes (repo-card-changes.ts)
 * - appendCardChanges(tx, cardIds, at) → new cursor; listCardChangesAfter(tx, cursor, limit) → {cursor, cardIds};
 *   latestCardChange(tx) (read it BEFORE the card states of a full snapshot: later changes then come as deltas)
 * Products (repo-products.ts): insertProducts, listProducts, getProduct, updateProduct
 * Operator tokens (repo-operator-tokens.ts)
 * - insertOperatorToken, getOperatorToken(tx, hash), getActiveOperatorToken(tx, name), listOperatorTokens
 * - revokeOperatorToken(tx, hash, at) → false if already revoked; deleteOperatorToken
 * Verify runs (repo-verify-runs.ts): insertVerifyRun, finishVerifyRun, latestVerifyRun
 * Unique keys (repo-unique-keys.ts): knownIds(tx, table, ids), rowsWithValues(tx, unique, values): what an import would clash with
 *
 * Requests (repo-requests.ts)
 * - insertRequest, getRequestByKey(tx, source, actor, key), getRequests, listRequests (newest first), listRequestsAfter(tx, id, limit)
 * - usedRequestKeys(tx, source, actor, keys), appliedRequestBodies(tx, kind)
 * - getTransfersByRequest(tx, requestIds)
 *
 * Payouts (repo-payouts.ts)
 * - insertPayout, listPayouts(tx, {wallet?, statuses?, batch?, ids?, limit?}), getPayout, setPayoutStatus
 * - insertPayoutBatch, getPayoutBatch, listPayoutBatches, setPayoutBatchFile, clearPayoutBatchFile, setPayoutBatchSent
 *
 * Payments (repo-payments.ts)
 * - insertPayment, getPayment, getPaymentBySession(tx, provider, session)
 * - setPaymentSession, markPaymentCredited → false unless it was pending
 * - listRefundablePayments(tx, provider, wallet) (newest first), addPaymentRefunded → false beyond the amount
 * Compensation (repo-compensation.ts)
 * - salesByHolder(tx, {holders, assets, from, to}) → Σ SAL+QRS per (receiver, asset) in [from, to) of hub time
 * - listCompensationRequests(tx, limit) oldest first
 * Time spent (repo-time.ts)
 * - badgeTaps(tx, placeWallet, from, to) by till time; hubRequestsByKeyPrefix(tx, prefix)
 * - upsertTimeRules(tx, row), getTimeRules(tx, place), listTimeRules(tx); timeBookingsOfCard(tx, card, limit) latest first
 *
 * Compat (repo-compat.ts), the Fedow-compatible API's rows
 * - insertCompatApiKey, getCompatApiKey(tx, prefix), revokeCompatApiKey → false if already revoked, listCompatApiKeys(tx, kind, place?)
 * - listCompatApiKeysByPrefix(tx, prefixes) → the prefixes already stored
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
 * - getHolderLimit, setHolderLimit, getHolderOption, setHolderOption, sumTransfersSentSince
 * Presence (repo-presence.ts)
 * - recordPresence(tx, recordedBy, rows): one hub's snapshot of its live tills; listPresence(tx)
 *
 * Reports (repo-reports.ts)
 * - turnoverGroups(tx, {from, to, placeId?}): SAL, QRS, REF, RFD, SUB summed per day, place, till, cashier, asset, payment
 * Shifts (repo-shifts.ts)
 * - insertShift → false if stored, getShift, closeShiftRow → false unless open, drawerGroups(tx, terminal, afterSeq, beforeSeq)
 * - listShifts(tx, {placeId?, from?, to?, limit}), listShiftAlerts, setPlaceShiftThreshold
 * Melting currency (repo-melt.ts): policy versions, and the balances a sweep looks at
 * Signals (repo-signals.ts): insertSignal, listSignalsAfter, latestSignalId, pruneSignals; notify (PostgreSQL NOTIFY)
 *
 * Ordering: transfers.seq and card_changes.seq increase in commit order in both
 * dialects (see lockCommitOrder); in PostgreSQL a rolled-back transaction leaves a gap.
 */
export * from './repo-ledger';
export * from './repo-ledger-totals';
export * from './repo-blocks';
export * from './repo-invariants';
export * from './repo-terminals';
export * from './repo-pairing';
export * from './repo-entries';
export * from './repo-quarantine';
export * from './repo-identity';
export * from './repo-wallets';
export * from './repo-places';
export * from './repo-users';
export * from './repo-assets';
export * from './repo-federations';
export * from './repo-cards';
export * from './repo-card-changes';
export * from './repo-products';
export * from './repo-operator-tokens';
export * from './repo-verify-runs';
export * from './repo-unique-keys';
export * from './repo-requests';
export * from './repo-payouts';
export * from './repo-payments';
export * from './repo-compensation';
export * from './repo-time';
export * from './repo-compat';
export * from './repo-outbox';
export * from './repo-holder';
export * from './repo-presence';
export * from './repo-reports';
export * from './repo-shifts';
export * from './repo-melt';
export * from './repo-signals';
export * from './repo-directory-version';
export type * from './rows';
