/**
 * Actions with a preview: every state-changing call is first sent with `dry_run: true`, its
 * plan shown (and the modules it touches marked on the graph), and only sent for real when
 * the operator confirms. The users a plan releases that are weak canuse holds are marked (the
 * plan's steps do not say it; `GET /users` does). Errors show their code and what the service
 * said.
 */
import type { OpResult, PlanStep, UserInfo } from '../../src/core/types.js';
import { type Api, ApiError, modulePath } from './api.js';
import { h } from './dom.js';
import { describePlan, type PlanSummary, summarizePlan } from './plan.js';
import type { Role } from './types.js';

export type ActionKind = 'load' | 'unload' | 'firm_unload' | 'reload' | 'hold' | 'release';

export interface Action {
  kind: ActionKind;
  /** `Firm unload chan_sip` */
  title: string;
  /** The confirm button's label. */
  verb: string;
  method: 'POST' | 'DELETE';
  path: string;
  body: Record<string, unknown>;
  /** Shown in red: it may stop modules that others use. */
  danger?: boolean;
}

/** The role each action needs (SPEC 11): a firm unload is admin, the rest operate. */
export const ACTION_ROLES: Record<ActionKind, Role> = {
  load: 'operate',
  unload: 'operate',
  firm_unload: 'admin',
  reload: 'operate',
  hold: 'operate',
  release: 'operate',
};

export function moduleAction(kind: Exclude<ActionKind, 'hold' | 'release'>, name: string): Action {
  switch (kind) {
    case 'load':
      return { kind, title: `Load ${name}`, verb: 'Load', method: 'POST', path: modulePath(name, '/load'), body: {} };
    case 'unload':
      return { kind, title: `Unload ${name}`, verb: 'Unload', method: 'POST', path: modulePath(name, '/unload'), body: {} };
    case 'firm_unload':
      return {
        kind,
        title: `Firm unload ${name}`,
        verb: 'Firm unload',
        method: 'POST',
        path: modulePath(name, '/unload'),
        body: { force: true },
        danger: true,
      };
    case 'reload':
      return { kind, title: `Reload ${name}`, verb: 'Reload', method: 'POST', path: modulePath(name, '/reload'), body: {} };
  }
}

export function holdAction(name: string, holder: string, cancellable: boolean): Action {
  return {
    kind: 'hold',
    title: `Hold ${name} as ${holder}`,
    verb: 'Add hold',
    method: 'POST',
    path: modulePath(name, '/users'),
    body: { holder, cancellable },
  };
}

export function releaseAction(user: UserInfo): Action {
  return {
    kind: 'release',
    title: `Release ${user.kind} hold ${user.holder} on ${user.module}`,
    verb: 'Release',
    method: 'DELETE',
    path: `/users/${encodeURIComponent(user.id)}`,
    body: {},
    danger: true,
  };
}

const WEAK_TITLE = 'a weak hold: a canuse its holder took with ctx.use; releasing it does not stop the holder';

function stepLine(step: PlanStep, weak: ReadonlySet<string>): HTMLLIElement {
  const isWeak = step.user?.id !== undefined && weak.has(step.user.id);
  return h(
    'li',
    { class: `step step-${step.action}`, 'data-action': step.action, 'data-module': step.module, 'data-weak': isWeak ? 'true' : null },
    h('span', { class: 'step-action' }, step.action),
    ' ',
    h('a', { class: 'mod', href: `#/modules/${step.module}` }, step.module),
    step.direction ? h('span', { class: 'muted' }, ` (${step.direction})`) : null,
    step.user ? h('span', { class: 'step-user' }, ` ${step.user.kind}: ${step.user.holder}${step.user.id ? ` (${step.user.id})` : ''}`) : null,
    isWeak ? h('span', { class: 'badge weak', title: WEAK_TITLE }, 'weak') : null,
    step.reason ? h('span', { class: 'muted' }, ` ${step.reason}`) : null,
  );
}

/** How many names a list of modules shows before a button for the rest. */
const LIST_FIRST = 12;

/** The modules a plan stops and loads, by name: what an operator looks for first. */
function moduleLists(summary: PlanSummary): HTMLElement[] {
  const list = (label: string, cls: string, names: readonly string[]): HTMLElement => {
    const links = (shown: readonly string[]): Array<Node | string> => shown.flatMap((n, i) => [i ? ', ' : '', h('a', { class: 'mod', href: `#/modules/${n}` }, n)]);
    const p = h('p', { class: `modules ${cls}` }, h('span', { class: 'label' }, label), ' ', ...links(names.slice(0, LIST_FIRST)));
    if (names.length > LIST_FIRST) {
      const more = h('button', { type: 'button', class: 'small more' }, `and ${names.length - LIST_FIRST} more`);
      more.addEventListener('click', () => p.replaceChildren(h('span', { class: 'label' }, label), ' ', ...links(names)));
      p.append(', ', more);
    }
    return p;
  };
  const lists: HTMLElement[] = [];
  if (summary.stops.length) lists.push(list('Stops:', 'stops', summary.stops));
  if (summary.loads.length) lists.push(list('Loads:', 'loads', summary.loads));
  return lists;
}

/** The ids of the weak users among the module users a plan names (empty when it names none). */
async function weakUsers(api: Api, plan: readonly PlanStep[]): Promise<Set<string>> {
  const ids = new Set(plan.flatMap((step) => (step.user?.kind === 'module' && step.user.id ? [step.user.id] : [])));
  if (ids.size === 0) return new Set();
  try {
    const { users } = await api.get<{ users: UserInfo[] }>('/users?kind=module');
    return new Set(users.filter((u) => u.weak && ids.has(u.id)).map((u) => u.id));
  } catch {
    return new Set(); // the plan is still right; it only goes unmarked
  }
}

function problemView(err: unknown): HTMLElement {
  if (!(err instanceof ApiError)) return h('p', { class: 'error' }, String(err));
  const users = Array.isArray(err.problem.users) ? (err.problem.users as UserInfo[]) : [];
  const missing = Array.isArray(err.problem.missing) ? (err.problem.missing as unknown[]) : [];
  const cycle = Array.isArray(err.problem.cycle) ? (err.problem.cycle as string[]) : [];
  return h(
    'div',
    { class: 'problem', 'data-code': err.code },
    h('p', { class: 'error' }, h('code', null, err.code), ` ${err.status ? `(${err.status}) ` : ''}${err.message}`),
    users.length
      ? h('ul', { class: 'users-inline' }, ...users.map((u) => h('li', null, `${u.kind}: ${u.holder}${u.origin ? ` (${u.origin.file}:${u.origin.line})` : ''}`)))
      : null,
    missing.length ? h('p', null, `missing: ${missing.map((m) => JSON.stringify(m)).join(', ')}`) : null,
    cycle.length ? h('p', null, `cycle: ${cycle.join(' -> ')}`) : null,
  );
}

export interface ActionHost {
  api: Api;
  /** Marks (or with null, unmarks) the modules a preview touches. */
  mark(names: ReadonlySet<string> | null): void;
  /** After an action ran (successfully or not): refresh what is shown. */
  done(): void;
}

/** Runs actions in the page's one `<dialog>`. */
export class ActionDialog {
  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly host: ActionHost,
  ) {
    dialog.addEventListener('close', () => this.host.mark(null));
  }

  /** Asks for a hold's holder and kind first, then previews it. */
  askHold(name: string, defaultHolder: string): void {
    const holder = h('input', { name: 'holder', value: defaultHolder, required: true, maxlength: 128, pattern: '[\\x21-\\x7e][\\x20-\\x7e]*' });
    const cancellable = h('input', { type: 'checkbox', name: 'cancellable' });
    const form = h(
      'form',
      { class: 'hold-form', method: 'dialog' },
      h('label', null, 'Holder ', holder),
      h('label', null, cancellable, ' cancellable (a firm unload releases it at once; otherwise the holder is asked to let go)'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.run(holdAction(name, holder.value.trim(), cancellable.checked));
    });
    this.show(`Hold ${name}`, [
      h('p', { class: 'muted' }, 'An external hold keeps the module running (loading it if needed) until it is released.'),
      form,
    ], [this.button('Preview', 'confirm', () => form.requestSubmit()), this.closeButton('Cancel')]);
    holder.focus();
  }

  /** Previews `action` (dry run) and offers to carry it out. */
  async run(action: Action): Promise<void> {
    this.show(action.title, [h('p', { class: 'muted' }, 'Computing the plan…')], [this.closeButton('Cancel')]);
    let preview: OpResult;
    try {
      preview = await this.host.api.send<OpResult>(action.method, action.path, { ...action.body, dry_run: true });
    } catch (err) {
      this.show(action.title, [problemView(err)], [this.closeButton('Close')], 'error');
      return;
    }
    const weak = await weakUsers(this.host.api, preview.plan);
    const summary = summarizePlan(preview.plan, weak);
    this.host.mark(summary.affected);
    const confirm = this.button(action.verb, action.danger ? 'confirm danger' : 'confirm', () => void this.carryOut(action, weak));
    this.show(
      action.title,
      [
        h('p', { class: 'preview-note' }, 'Preview: nothing has changed yet.'),
        h('p', { class: 'summary' }, describePlan(summary)),
        ...moduleLists(summary),
        h('ol', { class: 'plan' }, ...preview.plan.map((step) => stepLine(step, weak))),
      ],
      [confirm, this.closeButton('Cancel')],
      'preview',
    );
    confirm.focus();
  }

  /** `weak`: the weak users the preview found (they are gone once released). */
  private async carryOut(action: Action, weak: ReadonlySet<string>): Promise<void> {
    for (const b of this.dialog.querySelectorAll('button')) b.disabled = true;
    let result: OpResult;
    try {
      result = await this.host.api.send<OpResult>(action.method, action.path, action.body);
    } catch (err) {
      this.show(action.title, [problemView(err)], [this.closeButton('Close')], 'error');
      this.host.done();
      return;
    }
    const pending = result.pending ?? [];
    this.show(
      action.title,
      [
        h('p', { class: 'result' }, `Done (${result.op})${result.state ? `: the module is now ${result.state}` : ''}.`),
        h('p', { class: 'summary' }, describePlan(summarizePlan(result.plan, weak))),
        pending.length
          ? h('div', null, h('p', null, 'Asked to let go, not gone yet:'), h('ul', null, ...pending.map((u) => h('li', null, `${u.kind}: ${u.holder} (${u.id})`))))
          : null,
      ],
      [this.closeButton('Close')],
      'done',
    );
    this.host.done();
  }

  private show(title: string, body: Array<Node | null>, buttons: HTMLButtonElement[], phase = 'ask'): void {
    this.dialog.dataset.phase = phase;
    this.dialog.replaceChildren(h('h2', null, title), ...body.filter((n): n is Node => n !== null), h('div', { class: 'buttons' }, ...buttons));
    if (!this.dialog.open) this.dialog.showModal();
  }

  private button(label: string, cls: string, onclick: () => void): HTMLButtonElement {
    return h('button', { type: 'button', class: cls, onclick }, label);
  }

  private closeButton(label: string): HTMLButtonElement {
    return this.button(label, 'cancel', () => this.dialog.close());
  }
}
