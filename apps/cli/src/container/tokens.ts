export { TOKENS } from '@acseg/core';
