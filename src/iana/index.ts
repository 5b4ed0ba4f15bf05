export * from './enctype.js';
export * from './checksum-type.js';
export * from './key-usage.js';
