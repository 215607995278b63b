// The RPL engine, written once: `handbooks rpl` runs this file in QuickJS (pipeline/core/rpl_engine.py) and the lookup
// page inlines it (pipeline/publish/lookup_page.py). A pure function over plain data, returning plain data.
//
// input: {target, held: [unit_key], members: [{unit_key, title, group, mandatory, level, credits, groups, doc_id}]
//   in the order the answer lists them, mappings: unit_map rows, criteria: criteria rows, pairs: criterion_map rows,
//   rules: rules rows, units: {unit_key: {status, withdrawn_by, doc_id}}, documents: {doc_id: {qualification,
//   published}}, kinds: the kinds, scopes and bounds of pipeline/rule_kinds.py}
// A target unit is credited when held, when the held units give each of its criteria a counterpart, or when a
// held unit maps to it as equivalent or confirmed; otherwise a mapped unit is a gap (criteria compared, some
// missing) or unverified (criteria not compared), and an unmapped one is open. Every rule is checked on the
// credited units and on credited plus pending, with the units that would meet it.
"use strict";

function rplEngine(input) {
  const K = input.kinds;
  const CREDITED = "credited", PENDING = ["gap", "unverified"];
  const byText = (a, b) => a < b ? -1 : a > b ? 1 : 0;
  const compare = {">=": (a, b) => a >= b, "<=": (a, b) => a <= b};
  const bounds = Object.entries(K.bounds);
  const held = new Set(input.held);

  /** Whether a rule of `kind` counts `member` (with its `groups`), read from the declared scopes. */
  function inScope(kind, rule, member) {
    const condition = K.scopes[K.kinds[kind]];
    if (condition == null) return true;
    const [field, test, ruleField] = condition, value = member[field];
    if (test === "true") return Boolean(value);
    if (test === "has") return value.includes(rule[ruleField].toLowerCase());
    if (value == null || rule[ruleField] == null) return false;
    return test === ">=" ? value >= rule[ruleField] : value === rule[ruleField];
  }

  const achieved = us => ({credits: us.reduce((s, u) => s + (u.credits || 0), 0), units: us.length});
  const meets = (rule, got) => bounds.every(([b, [measure, op]]) => rule[b] == null || compare[op](got[measure], rule[b]));
  const over = (rule, got) => bounds.some(([b, [measure, op]]) => rule[b] != null && op === "<=" && !compare[op](got[measure], rule[b]));

  /** One target unit's state from the mapping rows of held units that reach it and the criteria they cover. */
  function targetUnit(m, by, crits, covered) {
    const evidence = by.map(r => ({unit_key: r.from_key, relation: r.relation, method: r.method, status: r.status,
                                   justification: r.justification}));
    if (held.has(m.unit_key))
      evidence.unshift({unit_key: m.unit_key, relation: "held", method: "held", status: "held",
                        justification: "the candidate holds this unit"});
    const hits = crits.filter(c => covered.has(c.criterion_key));
    const compared = crits.length > 0 && by.some(r => r.criteria_total != null);
    let total = compared ? crits.length : null, still = crits.filter(c => !covered.has(c.criterion_key));
    let state, reason = null;
    if (held.has(m.unit_key) || by.some(r => r.relation === "equivalent" || r.status === "confirmed")) {
      state = CREDITED; still = [];
    } else if (!by.length) {
      state = "open"; total = null; still = [];
    } else if (compared) {
      state = still.length ? "gap" : CREDITED;
    } else {
      state = "unverified"; still = [];
      reason = "criteria could not be compared: " + (!crits.length ? `${m.unit_key} states no criteria`
        : `${by.map(r => r.from_key).join(", ")} state(s) no criteria`);
    }
    return {unit_key: m.unit_key, title: m.title, group: m.group, mandatory: m.mandatory, level: m.level,
            credits: m.credits, state, evidence, criteria_total: total, criteria_covered: total == null ? null : hits.length,
            still_to_show: still.map(c => ({criterion_no: c.criterion_no, text: c.text})), reason};
  }

  /** One rule per distinct constraint: documents that state the same rule (handbook, catalogue) give one check. */
  function distinctRules(rules) {
    const merged = new Map();
    for (const r of rules) {
      const key = JSON.stringify([r.kind, r.group.toLowerCase(), r.level, ...bounds.map(([b]) => r[b])]);
      if (merged.has(key)) merged.get(key).text += " / " + r.text; else merged.set(key, {...r});
    }
    return [...merged.values()];
  }

  /** One rule: achieved on credited and on credited plus pending, and the units that would meet it. */
  function checkRule(rule, tus) {
    const scoped = tus.filter((u, i) => inScope(rule.kind, rule, input.members[i]));
    const evaluated = scoped.length > 0 || K.kinds[rule.kind] !== "group";  // a group no unit belongs to cannot be counted
    const credited = achieved(scoped.filter(u => u.state === CREDITED));
    const withPending = achieved(scoped.filter(u => u.state === CREDITED || PENDING.includes(u.state)));
    const met = evaluated && meets(rule, credited), metWithPending = evaluated && meets(rule, withPending);
    let helping = [];
    if (met || !evaluated) helping = [];
    else if (over(rule, credited)) helping = scoped.filter(u => u.state === CREDITED);  // a maximum passed
    else helping = scoped.filter(u => u.state !== CREDITED)  // a minimum short: pending units first
      .sort((a, b) => (a.state === "open") - (b.state === "open") || byText(a.unit_key, b.unit_key));
    const out = {kind: rule.kind, group: rule.group, level: rule.level};
    for (const [b] of bounds) out[b] = rule[b];
    return Object.assign(out, {text: rule.text, evaluated, credited, with_pending: withPending, met,
      met_with_pending: metWithPending, candidates: helping.map(u => ({unit_key: u.unit_key, credits: u.credits, state: u.state}))});
  }

  const live = input.mappings.filter(r => held.has(r.from_key) && r.relation !== "none" && r.status !== "rejected")
    .sort((a, b) => byText(a.from_key, b.from_key) || byText(a.to_key, b.to_key));
  const covered = new Set(input.pairs.filter(p => held.has(p.from_criterion_key.split("#")[0])).map(p => p.to_criterion_key));
  const criteriaOf = new Map();
  for (const c of [...input.criteria].sort((a, b) => byText(a.criterion_key, b.criterion_key))) {
    if (!criteriaOf.has(c.unit_key)) criteriaOf.set(c.unit_key, []);
    criteriaOf.get(c.unit_key).push(c);
  }
  const units = input.members.map(m => targetUnit(m, live.filter(r => r.to_key === m.unit_key), criteriaOf.get(m.unit_key) || [], covered));
  const rules = distinctRules([...input.rules].sort((a, b) => byText(a.group, b.group) || byText(a.text, b.text)))
    .map(r => checkRule(r, units));

  // Held units that earn nothing: each whose only successors were withdrawn, named with the edition that did it.
  const memberKeys = new Set(input.members.map(m => m.unit_key));
  const withdrawn = [], unmapped = [];
  for (const key of input.held) {
    if (memberKeys.has(key)) continue;
    const rows = live.filter(r => r.from_key === key);
    if (rows.some(r => memberKeys.has(r.to_key))) continue;
    const gone = rows.filter(r => r.to_status === "withdrawn");
    for (const r of gone) {
      const by = (input.units[r.to_key] || {}).withdrawn_by || null;
      withdrawn.push({held: key, successor: r.to_key, withdrawn_by: by,
                      published: by ? ((input.documents[by] || {}).published ?? null) : null});
    }
    if (!gone.length) unmapped.push(key);
  }

  // The editions used: the target's own documents and those of the units held and counted.
  const docs = new Set(input.members.map(m => m.doc_id).concat(input.held.map(k => (input.units[k] || {}).doc_id)));
  const editions = Object.entries(input.documents).filter(([id, d]) => d.qualification === input.target || docs.has(id))
    .map(([id, d]) => ({doc_id: id, published: d.published ?? null})).sort((a, b) => byText(a.doc_id, b.doc_id));

  const evaluated = rules.filter(r => r.evaluated);
  const sum = states => units.filter(u => states.includes(u.state)).reduce((s, u) => s + (u.credits || 0), 0);
  return {target: input.target, held: input.held, units, rules, withdrawn, unmapped, editions,
          credits: sum([CREDITED]), pending: sum(PENDING),
          complete: evaluated.length > 0 && evaluated.every(r => r.met),
          complete_with_pending: evaluated.length > 0 && evaluated.every(r => r.met_with_pending)};
}
