import '../infra/bin/quiet-sdk-warning.mjs';
