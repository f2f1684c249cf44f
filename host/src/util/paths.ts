// Where the checkout is: every command resolves build dirs, boards/ and reports/ against it.
import * as path from 'path';

export function repoRoot(): string {
  // host/src/util -> repository root
  return path.resolve(__dirname, '..', '..', '..');
}
