import { describe, expect, it } from 'vitest';
import { estimateTokens, splitForAppend } from '../../src/live/live-delegate';

describe('splitForAppend: the 500-token append limit', () => {
  it('keeps short text whole and splits long text at whitespace, losing nothing', () => {
    expect(splitForAppend('Short answer.', 450)).toEqual(['Short answer.']);
    const long = Array.from({ length: 2000 }, (_, index) => `w${index}`).join(' ');
    const pieces = splitForAppend(long, 450);
    expect(pieces.join('')).toBe(long);
    for (const piece of pieces) expect(estimateTokens(piece)).toBeLessThanOrEqual(450);
    expect(pieces.every((piece, index) => index === pieces.length - 1 || piece.endsWith(' '))).toBe(true);
  });

  it('counts a wide-script character as a token and cuts a word longer than the limit', () => {
    expect(estimateTokens('你好世界')).toBe(4);
    const pieces = splitForAppend('字'.repeat(1000), 450);
    expect(pieces.map((piece) => piece.length)).toEqual([450, 450, 100]);
  });
});
