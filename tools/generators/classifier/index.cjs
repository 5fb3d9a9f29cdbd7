// @ts-check
// nx loads generators with require(), so this one is CommonJS.
const path = require('node:path');
const { formatFiles, generateFiles, names } = require('@nx/devkit');

/**
 * @param {import('@nx/devkit').Tree} tree
 * @param {{ name: string, directory?: string, packageName?: string }} options
 */
async function classifierGenerator(tree, options) {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(options.name)) {
    throw new Error(`classifier name "${options.name}" must be lower-case letters, digits and dashes`);
  }
  const packageName = options.packageName ?? `acseg-plugin-${options.name}`;
  const directory = options.directory ?? path.posix.join('packages', packageName.replace(/^@[^/]+\//, ''));
  if (tree.exists(path.posix.join(directory, 'package.json'))) {
    throw new Error(`${directory} already holds a package`);
  }
  const n = names(options.name);
  generateFiles(tree, path.join(__dirname, 'files'), directory, {
    id: options.name,
    packageName,
    className: `${n.className}Classifier`,
    tmpl: '',
  });
  await formatFiles(tree);
  return () => {
    console.log(`Created ${packageName} in ${directory}. Next: cd ${directory} && npm install && npm run build && npm test`);
  };
}

module.exports = classifierGenerator;
module.exports.default = classifierGenerator;
