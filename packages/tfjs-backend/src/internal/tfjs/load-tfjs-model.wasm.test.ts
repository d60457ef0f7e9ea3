import { describeLoadTfjsModel } from './load-tfjs-model-suite.fixture';

describeLoadTfjsModel('wasm');
