import { busContract } from './bus-contract';
import { rabbitHarness } from './rabbit-harness';

busContract('rabbitmq', rabbitHarness);
