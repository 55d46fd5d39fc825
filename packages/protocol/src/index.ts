export * from './limits';
export * from './codes';
export * from './primitives';
export * from './policy';
export * from './entry';
export * from './sync';
export * from './parse';
export * from './admin';
