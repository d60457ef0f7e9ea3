import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './cli-args';

const defaults = { outDir: '/out' };

describe('parseBenchArgs', () => {
  it('gives a full run that updates the README when given no arguments', () => {
    expect(parseBenchArgs([], defaults)).toEqual({ quick: false, help: false, outDir: '/out', threads: 1, updateReadme: true });
  });

  it('leaves the README alone when --quick is given without --readme', () => {
    expect(parseBenchArgs(['--quick'], defaults)).toMatchObject({ quick: true, updateReadme: false });
    expect(parseBenchArgs(['--quick', '--readme'], defaults)).toMatchObject({ quick: true, updateReadme: true });
    expect(parseBenchArgs(['--no-readme'], defaults)).toMatchObject({ quick: false, updateReadme: false });
    // A run of some scenarios would leave the README with only theirs.
    expect(parseBenchArgs(['--only', '9'], defaults)).toMatchObject({ quick: false, updateReadme: false });
    expect(parseBenchArgs(['--only', '9', '--readme'], defaults)).toMatchObject({ updateReadme: true });
  });

  it('reads values both as --flag value and --flag=value when given options', () => {
    expect(parseBenchArgs(['--only', '1,overhead, 7', '--out=/x', '--threads', '2'], defaults)).toMatchObject({ only: ['1', 'overhead', '7'], outDir: '/x', threads: 2 });
    expect(parseBenchArgs(['--only=stress'], defaults).only).toEqual(['stress']);
    expect(parseBenchArgs(['-h'], defaults).help).toBe(true);
  });

  it('throws naming the problem when an argument is unknown, missing its value or out of range', () => {
    expect(() => parseBenchArgs(['--fast'], defaults)).toThrow('unknown argument "--fast"');
    expect(() => parseBenchArgs(['--only'], defaults)).toThrow('--only needs a value');
    expect(() => parseBenchArgs(['--out', '--quick'], defaults)).toThrow('--out needs a value');
    expect(() => parseBenchArgs(['--only', ','], defaults)).toThrow('at least one scenario');
    expect(() => parseBenchArgs(['--threads', '0'], defaults)).toThrow('--threads must be an integer from 1 to 64, got "0"');
    expect(() => parseBenchArgs(['--threads=1.5'], defaults)).toThrow('got "1.5"');
  });
});
