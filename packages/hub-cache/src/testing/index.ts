/**
 * @packageDocumentation
 * Testing helpers for code that talks to the Hugging Face hub: {@link startTestHub} runs a fake hub on 127.0.0.1
 * with fault injection, for tests that must not touch the network.
 */
export { startTestHub } from './start-test-hub';
export type {
  GeneratedFile,
  TestHub,
  TestHubFault,
  TestHubFaultAction,
  TestHubFaultMatch,
  TestHubFileContent,
  TestHubOptions,
  TestHubRepo,
  TestHubRequest,
  TestHubServer,
} from './test-hub-types';
