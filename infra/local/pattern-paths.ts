/**
 * The key paths of an event pattern as one trie, and the walk that collects an
 * event's leaf values along it. Every field of a pattern, in every `$or` branch,
 * hangs off one node of the same trie, so one walk of the event serves them all.
 * Each value in an event has one key path, so the walk reaches it at most once
 * and reads each object's keys at most once: linear in the event's size, whatever the
 * pattern's shape.
 *
 * The walk keeps its own stack: an event whose arrays (or objects) are nested
 * 100,000 deep is walked like any other, instead of overflowing the call stack.
 */

/** A value a pattern's alternatives are tested against: objects and arrays are never leaves. */
export type Leaf = string | number | boolean | null;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The trie as it is built, while a pattern compiles. */
export class PathTrie {
  static readonly ROOT = 0;
  private readonly children: Map<string, number>[] = [new Map()];
  /** Nodes at which some field tests leaves; the walk records leaves only there. */
  private readonly tested: boolean[] = [false];

  /**
   * The node reached from `from` by a pattern key, created as needed. Keys are
   * split at dots on both sides: `"a.b": [1]` and `"a": { "b": [1] }` are the same field.
   */
  descend(from: number, key: string): number {
    let node = from;
    for (const segment of key.split('.')) {
      const children = this.children[node]!;
      let next = children.get(segment);
      if (next === undefined) {
        next = this.children.length;
        this.children.push(new Map());
        this.tested.push(false);
        children.set(segment, next);
      }
      node = next;
    }
    return node;
  }

  markTested(node: number): void {
    this.tested[node] = true;
  }

  /** The finished trie, laid out for walking. */
  seal(): LeafCollector {
    return new LeafCollector(this.children, this.tested);
  }
}

export class LeafCollector {
  private readonly keys: string[][];
  private readonly nexts: number[][];
  /**
   * Per node, whether an event key with a dot could lead anywhere from it (some
   * child has children of its own): only then must the walk read every key of
   * an event object there; elsewhere it looks up the pattern's keys.
   */
  private readonly scans: boolean[];

  constructor(
    private readonly children: readonly ReadonlyMap<string, number>[],
    private readonly tested: readonly boolean[],
  ) {
    this.keys = children.map((map) => [...map.keys()]);
    this.nexts = children.map((map) => [...map.values()]);
    this.scans = this.nexts.map((nexts) => nexts.some((next) => children[next]!.size > 0));
  }

  /** The node an event key leads to from `from` ("a.b" in an event stands for a → b), if the pattern has it. */
  private follow(from: number, key: string): number | undefined {
    const direct = this.children[from]!.get(key);
    if (direct !== undefined || !key.includes('.')) return direct;
    let node: number | undefined = from;
    for (const segment of key.split('.')) {
      node = this.children[node]!.get(segment);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /** Records a leaf where it is reached; objects and arrays wait on the stack. */
  private reach(
    value: unknown,
    node: number,
    values: unknown[],
    nodes: number[],
    leaves: (Leaf[] | undefined)[],
  ): void {
    if (typeof value === 'object' && value !== null) {
      values.push(value);
      nodes.push(node);
    } else if (this.tested[node]) {
      const found = leaves[node];
      if (found) found.push(value as Leaf);
      else leaves[node] = [value as Leaf];
    }
  }

  /**
   * The leaves the event holds at each tested node (index = node). An array
   * anywhere on a path stands for each of its elements, at any nesting depth.
   */
  collect(event: unknown): (Leaf[] | undefined)[] {
    const leaves: (Leaf[] | undefined)[] = new Array(this.children.length);
    const values: unknown[] = [event];
    const nodes: number[] = [PathTrie.ROOT];
    while (values.length > 0) {
      const value = values.pop();
      const node = nodes.pop()!;
      if (Array.isArray(value)) {
        for (const element of value) this.reach(element, node, values, nodes, leaves);
      } else if (isPlainObject(value)) {
        if (!this.scans[node]) {
          const keys = this.keys[node]!;
          const nexts = this.nexts[node]!;
          for (let i = 0; i < keys.length; i++) {
            if (Object.hasOwn(value, keys[i]!)) this.reach(value[keys[i]!], nexts[i]!, values, nodes, leaves);
          }
          continue;
        }
        for (const key of Object.keys(value)) {
          const next = this.follow(node, key);
          if (next !== undefined) this.reach(value[key], next, values, nodes, leaves);
        }
      } else if (this.tested[node]) {
        const found = leaves[node];
        if (found) found.push(value as Leaf);
        else leaves[node] = [value as Leaf];
      }
    }
    return leaves;
  }
}
