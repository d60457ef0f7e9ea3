/* v8 ignore file -- @preserve: a test helper, shipped in no build */
/** Core's own tests call the testing entry's helper by its short name. */
export { thrownBy as thrown } from '../testing/thrown-by';
