/** What other packages and scripts use of the kiosk: the bridge contract, the headless service, the UI bundle. */
export * from './bridge/contract';
export { createDispatcher, isCommandName, type DispatchResult } from './bridge/agent-handlers';
export { HEADLESS_PORT_DEFAULT, startHeadlessServer, type HeadlessOptions, type HeadlessServer } from './headless/server';
export { bundleUi, readBuiltUi, type UiAssets, type UiFile } from './ui-bundle';
export { DECISION_PAINTED_MARK } from './ui/app';
