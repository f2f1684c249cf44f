// --filter: comma-separated globs (* and ?) matched against the full id (pal_tls.<name>) or
// the bare case name.

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export class CaseFilter {
  private readonly patterns: { glob: string; re: RegExp }[];

  constructor(spec?: string) {
    this.patterns = (spec ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s)
      .map((glob) => ({ glob, re: globToRegExp(glob) }));
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  matches(id: string, name: string): boolean {
    return this.empty || this.patterns.some((p) => p.re.test(id) || p.re.test(name));
  }

  /**
   * Fault-hook cases (they hang or crash the device on purpose) run only when asked for
   * explicitly: a pattern matches them and spells out more than wildcards plus the group, e.g.
   * 'pal_tls.hookHang', 'hook*' or '*hookCrash'. 'pal_tls.*' and '*' do not select them.
   */
  selectsExplicitly(id: string, name: string): boolean {
    return this.patterns.some((p) => {
      if (!(p.re.test(id) || p.re.test(name))) return false;
      const literal = p.glob.replace(/^[a-z_]+\./, '').replace(/[*?]/g, '');
      return literal.length > 0;
    });
  }
}
