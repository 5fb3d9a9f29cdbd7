export { FAKE_HUB_URL, fakeHub, gitBlobSha1, sha256Hex, type FakeFile, type FakeHubOptions } from './fake-hub.js';
export { serveFakeHub } from './serve.js';
