import type { Command } from '../context.js';
import { canCommand } from './can/index.js';

/** Every command group, in the order the help lists them. Each area adds its own module here. */
export const commands: Command[] = [canCommand];
