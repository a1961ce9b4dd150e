import { busContract } from './bus-contract';
import { memoryHarness } from './memory-harness';

busContract('memory', memoryHarness);
