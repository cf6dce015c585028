/**
 * What a diagram may contain, checked on its text before anything parses it: checking and running
 * a diagram costs with its size (bpmn-elements starts parallel branches in one turn; the lint
 * rules walk every element and parse every expression), and one process serves everyone. The
 * center's diagrams have tens of elements; the limits leave room for ten times that and refuse,
 * naming the limit, what would stop the server for everyone.
 */
import { userError } from '@ggzy/shared';

export const DIAGRAM_LIMITS = {
  /** The whole diagram (XML text). */
  maxBytes: 1_000_000,
  /** Flow elements in all its processes and sub-processes: tasks, events, gateways, sequence flows. */
  maxFlowElements: 800,
  /** Sequence flows leaving one element (parallel branches start in one turn of the engine). */
  maxOutgoing: 100,
  /** One FEEL expression or script. */
  maxExpressionLength: 10_000,
};

const FLOW_ELEMENT = /<(?:[A-Za-z_][\w.-]*:)?(?:sequenceFlow|task|[a-z]+Task|[a-z]+Event|[a-z]+Gateway|subProcess|callActivity|transaction)[\s/>]/g;
/** An expression as an attribute (`="=…"`) or as element text (`>=…<`, a condition or a timer). */
const EXPRESSIONS = [/="\s*=([^"]*)"/g, /='\s*=([^']*)'/g, />\s*=([^<]*)</g];

function tooLarge(what: string, whatZh: string, limit: number, value: number, elementId?: string): Error {
  return userError(
    'DIAGRAM_TOO_LARGE',
    `流程图超出限制：${whatZh}最多 ${limit}，此图为 ${value}${elementId ? `（元素 ${elementId}）` : ''}`,
    `The diagram is over a limit: at most ${limit} ${what}, this one has ${value}${elementId ? ` (element ${elementId})` : ''}`,
    {
      status: 413,
      details: { limit: what, max: limit, value, ...(elementId && { elementId }) },
      hint: 'Split the flow into called processes (call activities), or shorten the expression',
    },
  );
}

/** Throws DIAGRAM_TOO_LARGE (413) naming the first limit the diagram is over. */
export function checkDiagramLimits(xml: string): void {
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > DIAGRAM_LIMITS.maxBytes) throw tooLarge('bytes', '字节数', DIAGRAM_LIMITS.maxBytes, bytes);
  let elements = 0;
  for (const _ of xml.matchAll(FLOW_ELEMENT)) elements++;
  if (elements > DIAGRAM_LIMITS.maxFlowElements) throw tooLarge('flow elements', '流程元素数', DIAGRAM_LIMITS.maxFlowElements, elements);
  const outgoing = new Map<string, number>();
  for (const m of xml.matchAll(/\bsourceRef="([^"]*)"/g)) outgoing.set(m[1]!, (outgoing.get(m[1]!) ?? 0) + 1);
  for (const [id, n] of outgoing)
    if (n > DIAGRAM_LIMITS.maxOutgoing) throw tooLarge('sequence flows leaving one element', '同一元素引出的顺序流数', DIAGRAM_LIMITS.maxOutgoing, n, id);
  for (const re of EXPRESSIONS) {
    for (const m of xml.matchAll(re)) {
      const length = m[1]!.length;
      if (length <= DIAGRAM_LIMITS.maxExpressionLength) continue;
      const before = xml.lastIndexOf(' id="', m.index);
      const id = before >= 0 ? /^ id="([^"]*)"/.exec(xml.slice(before, before + 200))?.[1] : undefined;
      throw tooLarge('characters in one expression', '单个表达式的字符数', DIAGRAM_LIMITS.maxExpressionLength, length, id);
    }
  }
}
