/**
 * Every FEEL function the README's table marks as supported, with an example from Zeebe 8.8's
 * documentation evaluated the way the engine evaluates expressions. The table and this list are
 * held together: a function the table names as supported without an example here fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateCondition, evaluateFeel, FeelError } from './feel';

const ctx = { x: 'value', n: null, order: { id: 7 } };

/** Function → [expression, expected value] examples. */
const EXAMPLES: Record<string, Array<[string, unknown]>> = {
  // boolean
  not: [['not(true)', false]],
  'is defined': [
    ['is defined(1)', true],
    ['is defined(n)', false],
    ['is defined(missing)', false],
    ['is defined(order.id)', true],
    ['is defined(order.nope)', false],
    ['not(is defined(breakfastPrepared))', true],
  ],
  'get or else': [
    ['get or else("this", "default")', 'this'],
    ['get or else(null, "default")', 'default'],
    ['get or else(null, null)', null],
  ],
  assert: [['assert(x, x != null)', 'value']],
  // string
  substring: [['substring("foobar", 3)', 'obar']],
  'string length': [['string length("foo")', 3]],
  'upper case': [['upper case("aBc4")', 'ABC4']],
  'lower case': [['lower case("aBc4")', 'abc4']],
  'substring before': [['substring before("foobar", "bar")', 'foo']],
  'substring after': [['substring after("foobar", "ob")', 'ar']],
  replace: [['replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', '[1=ab][2=]cd']],
  contains: [['contains("foobar", "of")', false]],
  'starts with': [['starts with("foobar", "fo")', true]],
  'ends with': [['ends with("foobar", "r")', true]],
  matches: [['matches("foobar", "^fo*bar")', true]],
  split: [['split("John Doe", "\\\\s")', ['John', 'Doe']]],
  'string join': [
    ['string join(["a","b","c"])', 'abc'],
    ['string join(["a",null,"c"], ", ")', 'a, c'],
    ['string join(["a","b","c"], ", ", "[", "]")', '[a, b, c]'],
  ],
  extract: [['extract("references are 1234, 1256, 1378", "12[0-9]*")', ['1234', '1256']]],
  trim: [['trim("  hello world  ")', 'hello world']],
  'to base64': [['to base64("FEEL")', 'RkVFTA==']],
  'is blank': [
    ['is blank("")', true],
    ['is blank(" ")', true],
    ['is blank("hello world")', false],
  ],
  // numeric
  decimal: [['decimal(1/3, 2)', 0.33]],
  floor: [['floor(1.5)', 1]],
  ceiling: [['ceiling(1.5)', 2]],
  'round up': [['round up(5.5, 0)', 6]],
  'round down': [['round down(5.5, 0)', 5]],
  'round half up': [['round half up(5.5, 0)', 6]],
  'round half down': [['round half down(5.5, 0)', 5]],
  abs: [['abs(-10)', 10]],
  modulo: [['modulo(12, 5)', 2]],
  sqrt: [['sqrt(16)', 4]],
  log: [['log(1)', 0]],
  exp: [['exp(0)', 1]],
  odd: [['odd(5)', true]],
  even: [['even(5)', false]],
  // list
  'list contains': [['list contains([1,2,3], 2)', true]],
  count: [['count([1,2,3])', 3]],
  min: [['min([1,2,3])', 1]],
  max: [['max(1,2,3)', 3]],
  sum: [['sum([1,2,3])', 6]],
  product: [['product([2, 3, 4])', 24]],
  mean: [['mean([1,2,3])', 2]],
  median: [['median(8, 2, 5, 3, 4)', 4]],
  stddev: [['stddev(2, 4, 7, 5)', 2.0816659994661326]],
  mode: [['mode(6, 3, 9, 6, 6)', [6]]],
  all: [['all([true,false])', false]],
  any: [['any([false,true])', true]],
  sublist: [['sublist([1,2,3], 2)', [2, 3]]],
  append: [['append([1], 2, 3)', [1, 2, 3]]],
  concatenate: [['concatenate([1,2],[3])', [1, 2, 3]]],
  'insert before': [['insert before([1,3],1,2)', [2, 1, 3]]],
  remove: [['remove([1,2,3], 2)', [1, 3]]],
  reverse: [['reverse([1,2,3])', [3, 2, 1]]],
  'index of': [['index of([1,2,3,2],2)', [2, 4]]],
  union: [['union([1,2],[2,3])', [1, 2, 3]]],
  'distinct values': [['distinct values([1,2,3,2,1])', [1, 2, 3]]],
  'duplicate values': [['duplicate values([1,2,3,2,1])', [1, 2]]],
  flatten: [['flatten([[1,2],[[3]], 4])', [1, 2, 3, 4]]],
  sort: [['sort(list: [3,1,4,5,2], precedes: function(x,y) x < y)', [1, 2, 3, 4, 5]]],
  'is empty': [
    ['is empty([])', true],
    ['is empty([1,2,3])', false],
  ],
  partition: [['partition([1,2,3,4,5], 2)', [[1, 2], [3, 4], [5]]]],
  // context
  'get value': [['get value({foo: 123}, "foo")', 123]],
  'get entries': [['get entries({foo: 123})', [{ key: 'foo', value: 123 }]]],
  'context put': [
    ['context put({x:1}, "y", 2)', { x: 1, y: 2 }],
    ['context put({x:1, y: {z:0}}, ["y", "z"], 2)', { x: 1, y: { z: 2 } }],
  ],
  'context merge': [['context merge([{x:1}, {y:2}])', { x: 1, y: 2 }]],
  context: [['context([{"key":"a", "value":1}, {"key":"b", "value":2}])', { a: 1, b: 2 }]],
  'put all': [['put all([{x:1}, {y:2}])', { x: 1, y: 2 }]],
  // temporal
  'day of week': [['day of week(date("2019-09-17"))', 'Tuesday']],
  'day of year': [['day of year(date("2019-09-17"))', 260]],
  'week of year': [['week of year(date("2019-09-17"))', 38]],
  'month of year': [['month of year(date("2019-09-17"))', 'September']],
  'last day of month': [
    ['last day of month(date("2022-10-01"))', '2022-10-31'],
    ['last day of month(date("2024-02-10"))', '2024-02-29'],
  ],
  // conversion
  string: [['string(1.1)', '1.1']],
  number: [['number("1500.5")', 1500.5]],
  date: [['date(2012, 12, 25)', '2012-12-25']],
  time: [['time(23, 59, 0)', '23:59:00']],
  'date and time': [['date and time("2012-12-24T23:59:00")', '2012-12-24T23:59:00']],
  duration: [['duration("P5D")', 'P5D']],
  'years and months duration': [
    ['years and months duration(date("2011-12-22"), date("2013-08-24"))', 'P1Y8M'],
    ['years and months duration(date("2013-08-24"), date("2011-12-22"))', '-P1Y8M'],
    ['years and months duration(date("2020-01-05"), date("2020-01-20"))', 'P0M'],
  ],
  'from json': [
    ['from json("{\\"a\\": 1, \\"b\\": [2]}")', { a: 1, b: [2] }],
    ['from json("not json")', null],
  ],
  'to json': [['to json({a: 1, b: [2, "x"]})', '{"a":1,"b":[2,"x"]}']],
  // range
  before: [['before(1, 10)', true]],
  after: [['after(10, 1)', true]],
  meets: [['meets([1..5], [5..10])', true]],
  'met by': [['met by([5..10], [1..5])', true]],
  overlaps: [['overlaps([5..10], [1..6])', true]],
  includes: [['includes([1..10], 5)', true]],
};

describe('FEEL functions as Zeebe documents them', () => {
  for (const [fn, cases] of Object.entries(EXAMPLES)) {
    it.each(cases)(`${fn}: %s`, (expression, expected) => {
      expect(evaluateFeel(expression, { ...ctx }).value).toEqual(expected);
    });
  }

  it('functions that make no value: uuid() and random number()', () => {
    expect(evaluateFeel('uuid()', {}).value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const r = evaluateFeel('random number()', {}).value as number;
    expect(r >= 0 && r < 1).toBe(true);
    expect(evaluateFeel('now() > date and time("2020-01-01T00:00:00Z")', {}).value).toBe(true);
    expect(evaluateFeel('today() = date(now())', {}).value).toBe(true);
  });

  it('a failing assert fails the expression (an incident on its element)', () => {
    expect(() => evaluateFeel('assert(n, n != null)', { ...ctx })).toThrow(FeelError);
    expect(() => evaluateFeel('assert(n, n != null, "n is required")', { ...ctx })).toThrow(/n is required/);
  });

  it('a condition with `is defined` is a boolean also when the variable does not exist', () => {
    expect(evaluateCondition('=not(is defined(breakfastPrepared))', {})).toBe(true);
    expect(evaluateCondition('=is defined(breakfastPrepared)', { breakfastPrepared: true })).toBe(true);
  });

  it('a variable with the name of a function is still read as the variable', () => {
    expect(evaluateFeel('trim', { trim: 'kept' }).value).toBe('kept');
  });

  it("the README's table names as supported exactly the functions with examples here", () => {
    const readme = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### FEEL functions'));
    const rows = section.slice(0, section.indexOf('\n\n', section.indexOf('|'))).split('\n');
    const supported = rows
      .filter((r) => r.startsWith('|') && !r.includes('---'))
      .slice(1)
      .flatMap((r) => r.split('|')[2]!.split(','))
      .map((s) => s.replace(/`/g, '').trim())
      .filter(Boolean);
    const tested = [...Object.keys(EXAMPLES), 'uuid', 'random number', 'now', 'today'];
    expect([...supported].sort()).toEqual([...tested].sort());
  });
});
