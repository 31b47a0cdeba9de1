export type ToolKind = 'toxiproxy' | 'schemathesis';
export interface FoundTool {
  path: string;
  source: string;
}
export const TOOLS: Record<
  ToolKind,
  { label: string; envVar: string; version: string; exe: string; versionArgs: string[]; registry: string }
>;
export function findTool(kind: ToolKind): FoundTool | undefined;
export function ensureTool(kind: ToolKind): Promise<FoundTool & { version: string; installed: boolean }>;
export function toxiproxyBinary(): string;
export function schemathesisBinary(): string;
