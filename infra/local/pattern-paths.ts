/**
 * The key paths of an event pattern as one trie, and the walk that collects an
 * event's leaf values along it. Every field of a pattern, in every `$or` branch,
 * hangs off one node of the same trie, so one walk of the event serves them all.
 * Each value in an event has one key path, so the walk reaches it at most once
 * and reads each object's keys once: linear in the event's size, whatever the
 * pattern's shape.
 *
 * The walk keeps its own stack: an event whose arrays (or objects) are nested
 * 100,000 deep is walked like any other, instead of overflowing the call stack.
 */

/** A value a pattern's alternatives are tested against: objects and arrays are never leaves. */
export type Leaf = string | number | boolean | null;

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class PathTrie {
  static readonly ROOT = 0;
  private readonly children: Map<string, number>[] = [new Map()];
  /** Nodes at which some field tests leaves; the walk records leaves only there. */
  private readonly tested: boolean[] = [false];

  get size(): number {
    return this.children.length;
  }

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

  /** The node an event key leads to from `from` ("a.b" in an event stands for a → b), if the pattern has it. */
  private follow(from: number, key: string): number | undefined {
    if (!key.includes('.')) return this.children[from]!.get(key);
    let node: number | undefined = from;
    for (const segment of key.split('.')) {
      node = this.children[node]!.get(segment);
      if (node === undefined) return undefined;
    }
    return node;
  }

  /**
   * The leaves the event holds at each tested node (index = node). An array
   * anywhere on a path stands for each of its elements, at any nesting depth.
   */
  collectLeaves(event: unknown): (Leaf[] | undefined)[] {
    const leaves: (Leaf[] | undefined)[] = new Array(this.children.length);
    const values: unknown[] = [event];
    const nodes: number[] = [PathTrie.ROOT];
    while (values.length > 0) {
      const value = values.pop();
      const node = nodes.pop()!;
      if (Array.isArray(value)) {
        for (const element of value) {
          values.push(element);
          nodes.push(node);
        }
      } else if (isPlainObject(value)) {
        if (this.children[node]!.size === 0) continue;
        for (const key of Object.keys(value)) {
          const next = this.follow(node, key);
          if (next === undefined) continue;
          values.push(value[key]);
          nodes.push(next);
        }
      } else if (this.tested[node]) {
        (leaves[node] ??= []).push(value as Leaf);
      }
    }
    return leaves;
  }
}
