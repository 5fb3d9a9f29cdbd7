/**
 * `@acseg/core/errors`: the errors and their wording alone, for a host's start-up path (`acseg --help` imports
 * this, not the pipeline and the option schemas). The same modules as the package root's, so `instanceof` agrees.
 */
export * from './errors.js';
export { tidyMessage } from './tidy-message.js';
