/**
 * The template's DynamoDB tables on the local cloud: created from the
 * template's definitions (keys and global secondary indexes) when missing,
 * and the table each id is served by (`mx replay` may switch a view to a
 * rebuilt table; the choice is kept in `<data-dir>/tables.json`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { AwsError } from './aws-protocol.ts';
import type { LocalTable } from './template/resources/tables.ts';

export class TableDirectory {
  private constructor(
    private readonly tables: readonly LocalTable[],
    private readonly overrides: Map<string, string>,
    private readonly file: string | undefined,
  ) {}

  static async open(tables: readonly LocalTable[], dataDir: string, inMemory: boolean): Promise<TableDirectory> {
    const file = inMemory ? undefined : path.join(dataDir, 'tables.json');
    const saved = file
      ? await readFile(file, 'utf8').then(
          (t) => JSON.parse(t) as Record<string, string>,
          () => ({}),
        )
      : {};
    return new TableDirectory(tables, new Map(Object.entries(saved)), file);
  }

  get ids(): string[] {
    return this.tables.map((t) => t.id);
  }

  has(id: string): boolean {
    return this.tables.some((t) => t.id === id);
  }

  /** The physical table behind a table id. */
  name(id: string): string {
    return this.overrides.get(id) ?? id;
  }

  /** Key attribute names of each global secondary index of a physical table (the meter bills index writes). */
  indexKeys(physical: string): string[][] {
    const table = this.tables.find((t) => this.name(t.id) === physical);
    return (table?.definition.GlobalSecondaryIndexes ?? []).map((index) =>
      (index.KeySchema ?? []).map((k) => k.AttributeName!),
    );
  }

  /** Creates every table that does not exist yet, as the template defines it. */
  async ensure(client: DynamoDBClient): Promise<void> {
    for (const table of this.tables) {
      const TableName = this.name(table.id);
      try {
        await client.send(new DescribeTableCommand({ TableName }));
        continue;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      await client.send(new CreateTableCommand({ ...table.definition, TableName }));
    }
  }

  /** Points a table id at another physical table, which must exist; kept across restarts. */
  async switch(id: string, physical: string, client: DynamoDBClient): Promise<void> {
    if (!this.has(id)) throw new AwsError('ValidationException', `no table ${id} in the template`);
    await client.send(new DescribeTableCommand({ TableName: physical }));
    this.overrides.set(id, physical);
    if (this.file) await writeFile(this.file, `${JSON.stringify(Object.fromEntries(this.overrides), null, 2)}\n`);
  }
}
