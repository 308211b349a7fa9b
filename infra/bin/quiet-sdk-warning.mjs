// The AWS SDK warns in every process (and every worker thread, which has a
// process.emitWarning of its own) that releases after January 2027 need
// Node 22; this project supports Node 20 and newer (see README), and the
// warning would bury the output of mx, the tests and the benches.
// Importing this module silences that one warning in the importing thread.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || String(warning).includes('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};
