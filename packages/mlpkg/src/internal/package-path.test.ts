import { describe, expect, it } from 'vitest';
import { isUnder, pathProblem } from './package-path';

describe('pathProblem', () => {
  it('accepts relative slash-separated paths when every segment is a name', () => {
    for (const path of ['model_info.json', 'weights/model.safetensors', 'backends/onnx/model.onnx_data', '.hidden/a..b']) {
      expect(pathProblem(path)).toBeUndefined();
    }
  });

  it('names the rule when a path breaks it', () => {
    expect(pathProblem('')).toMatch(/empty/);
    expect(pathProblem('/etc/passwd')).toMatch(/absolute/);
    expect(pathProblem('weights\\model.safetensors')).toMatch(/backslash/);
    expect(pathProblem('C:/x')).toMatch(/colon/);
    expect(pathProblem('a\u0000b')).toMatch(/control/);
    expect(pathProblem('a//b')).toMatch(/empty segment/);
    expect(pathProblem('a/')).toMatch(/empty segment/);
    expect(pathProblem('../x')).toMatch(/\.\./);
    expect(pathProblem('weights/../../x')).toMatch(/\.\./);
    expect(pathProblem('./x')).toMatch(/"\."/);
    expect(pathProblem('x'.repeat(1025))).toMatch(/longer than 1024/);
  });
});

describe('isUnder', () => {
  it('tells a folder prefix from a name prefix when checking containment', () => {
    expect(isUnder('weights/config.json', 'weights')).toBe(true);
    expect(isUnder('weights', 'weights')).toBe(true);
    expect(isUnder('weights2/config.json', 'weights')).toBe(false);
  });
});
