export type {
  CardPresent,
  CardReader,
  CardReaderEvent,
  CardReaderEvents,
  CardRemoved,
  CardType,
  FeedbackKind,
  FeedbackResult,
  ReaderError,
  ReaderErrorCode,
  ReaderKind,
  Unsubscribe,
} from './card-reader';
export { TypedEmitter } from './emitter';
export { UID_BYTE_LENGTHS, isUidByteLength, uidFromBytes, uidFromHex, type UidByteLength, type UidResult } from './uid';
export { PCSCD_SOCKET_DEFAULT, pcscAvailable, pcscSocketPath, type PcscAvailability } from './pcsc-probe';
export { createPcscReader, type CreatePcscReaderResult, type PcscReaderOptions } from './pcsc';
export {
  KeyboardWedgeReader,
  WEDGE_FORMAT_DEFAULT,
  WEDGE_LINE_CHARS_MAX,
  WedgeLineBuffer,
  parseWedgeLine,
  type KeyOutcome,
  type KeyboardWedgeOptions,
  type WedgeFormat,
} from './keyboard-wedge';
export { SimulatorReader, type SimulatorOptions } from './simulator';
export { READER_KINDS, createReader, isReaderKind, type CreateReaderResult, type ReaderConfig } from './create-reader';
