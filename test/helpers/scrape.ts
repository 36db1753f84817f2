// GET /metrics parsed as the Prometheus text exposition format 0.0.4, strictly: every line must be a
// comment, a HELP/TYPE line or a sample of a family declared by TYPE before it, or the parse throws.
// (The npm parser we tried, parse-prometheus-text-format, drops the labels of histogram samples.)

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

export function parsePrometheusText(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || (line.startsWith('#') && !/^# (HELP|TYPE) /.test(line))) continue;
    const declared = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (declared) {
      types.set(declared[1]!, declared[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const [, name, labelText = '', value] = match as unknown as [string, string, string | undefined, string];
    const family = [...types.keys()].find((f) => (SUFFIXES[types.get(f)!] ?? ['']).some((suffix) => `${f}${suffix}` === name));
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let m = LABEL.exec(labelText); m; m = LABEL.exec(labelText)) {
      labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = LABEL.lastIndex;
    }
    if (consumed !== labelText.length) throw new Error(`bad labels in: ${line}`);
    // Values are Go ParseFloat syntax, which takes NaN and Inf in any case (prom-client writes "Nan").
    const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
    const number = special[value.toLowerCase()] ?? Number(value);
    if (Number.isNaN(number) && value.toLowerCase() !== 'nan') throw new Error(`bad value in: ${line}`);
    samples.push({ name, labels, value: number });
  }
  return { types, samples };
}

/** GET /metrics, parsed, with lookups by sample name and a subset of labels. */
export async function scrape(baseUrl: string) {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
  const { types, samples } = parsePrometheusText(await response.text());
  const find = (name: string, labels: Record<string, string>) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    contentType: response.headers.get('content-type'),
    types,
    samples,
    value: (name: string, labels: Record<string, string> = {}) => find(name, labels)?.value,
  };
}
