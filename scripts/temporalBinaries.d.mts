export type BinaryKind = 'cli' | 'testServer';
export interface FoundBinary {
  path: string;
  source: string;
}
export function findBinary(kind: BinaryKind): FoundBinary | undefined;
export function ensureBinary(kind: BinaryKind): FoundBinary & { installed: boolean };
export function cacheDir(): string;
