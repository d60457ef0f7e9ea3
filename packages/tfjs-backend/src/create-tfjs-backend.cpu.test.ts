import { describeRuntimeAcceptance } from './internal/runtime-acceptance.fixture';

describeRuntimeAcceptance('cpu');
