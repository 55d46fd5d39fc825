export { insertCard, type InsertCardOptions, type VirtualCard } from './virtual-card';
export {
  CONTACTLESS_ATR_HEX,
  FrameDecoder,
  VPCD_PORT_DEFAULT,
  answer,
  encodeFrame,
  parseUid,
  type CardModel,
} from './vpcd-protocol';
export {
  VPCD_DRIVER_PATH,
  privatePcscdUnsupported,
  startPrivatePcscd,
  type PrivatePcscd,
  type PrivatePcscdResult,
} from './private-pcscd';
