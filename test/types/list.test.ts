import { describe, it, expect } from 'vitest';
import { listFrom, listIndex, listPopMany, listPush, listRange, newList, parseWhere } from '../../src/types/list.js';

describe('list value helpers', () => {
  it('listRange normalises like LRANGE/LTRIM', () => {
    expect(listRange(5, 0, -1)).toEqual([0, 4]);
    expect(listRange(5, -100, 100)).toEqual([0, 4]);
    expect(listRange(5, 3, 2)).toBeNull();
    expect(listRange(5, 5, 9)).toBeNull();
    expect(listRange(5, -2, -1)).toEqual([3, 4]);
    expect(listRange(5, 0, -6)).toBeNull();
    expect(listRange(0, 0, -1)).toBeNull();
  });
  it('listIndex maps negative indexes from the tail', () => {
    expect(listIndex(3, 0)).toBe(0);
    expect(listIndex(3, -1)).toBe(2);
    expect(listIndex(3, -3)).toBe(0);
    expect(listIndex(3, -4)).toBe(-1);
    expect(listIndex(3, 3)).toBe(-1);
    expect(listIndex(3, -(2 ** 63))).toBe(-1);
  });
  it('push and pop at both ends', () => {
    const l = newList();
    listPush(l, ['a', 'b'], 'right');
    listPush(l, ['x', 'y', 'z'], 'left');
    listPush(l, ['w'], 'left');
    expect(l.v.toArray()).toEqual(['w', 'z', 'y', 'x', 'a', 'b']);
    expect(listPopMany(l, 'right', 2)).toEqual(['b', 'a']);
    expect(listPopMany(l, 'left', 10)).toEqual(['w', 'z', 'y', 'x']);
    expect(l.enc).toBe('quicklist');
    expect(l.v.length).toBe(0);
    expect(listFrom(['p', 'q']).v.toArray()).toEqual(['p', 'q']);
  });
  it('parseWhere is case-insensitive', () => {
    expect(parseWhere('LeFt')).toBe('left');
    expect(parseWhere('RIGHT')).toBe('right');
    expect(parseWhere('up')).toBeNull();
  });
});
