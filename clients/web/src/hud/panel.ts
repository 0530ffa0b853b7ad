// The corner panel: connection status, round trip, server tick, players and this player's score, the match and the
// cluster node it runs on, a link that brings another player into the same match, and a button that leaves it. Each
// field is written only when its text changes.

export interface PanelValues {
  readonly rttMs: number | undefined;
  readonly serverTick: number;
  readonly players: number;
  readonly score: number | undefined;
}

const FIELDS = ['status', 'mode', 'rtt', 'tick', 'players', 'score', 'match', 'host'] as const;
type Field = (typeof FIELDS)[number];

const LABELS: Readonly<Record<Field, string>> = {
  status: 'status',
  mode: 'mode',
  rtt: 'round trip',
  tick: 'server tick',
  players: 'players',
  score: 'score',
  match: 'match',
  host: 'match on',
};

export class Panel {
  private readonly values = new Map<Field, HTMLElement>();
  private readonly invitation: HTMLAnchorElement;
  private readonly leaveButton: HTMLButtonElement;
  private readonly otherMode: HTMLAnchorElement;

  constructor(container: HTMLElement) {
    const list = document.createElement('dl');
    for (const field of FIELDS) {
      const label = document.createElement('dt');
      label.textContent = LABELS[field];
      const value = document.createElement('dd');
      value.dataset.field = field;
      value.textContent = '–';
      list.append(label, value);
      this.values.set(field, value);
    }
    this.invitation = document.createElement('a');
    this.invitation.target = '_blank';
    this.invitation.textContent = 'invite a second player';
    this.invitation.hidden = true;
    this.leaveButton = document.createElement('button');
    this.leaveButton.type = 'button';
    this.leaveButton.dataset.action = 'leave';
    this.leaveButton.textContent = 'leave the match';
    this.leaveButton.hidden = true;
    this.otherMode = document.createElement('a');
    this.otherMode.dataset.action = 'other-mode';
    this.otherMode.hidden = true;
    const keys = document.createElement('p');
    keys.textContent = 'WASD or arrow keys to move';
    container.append(list, this.invitation, this.leaveButton, this.otherMode, keys);
  }

  status(text: string): void {
    this.write('status', text);
  }

  /** The match joined, with the address that joins it. */
  joined(matchId: string, invitation: string): void {
    this.write('match', matchId);
    this.invitation.href = invitation;
    this.invitation.hidden = false;
  }

  /** The match's game mode, what scores in it, and a link to a match of another mode. */
  mode(mode: string, rule: string, other: { readonly mode: string; readonly href: string }): void {
    this.write('mode', `${mode}: ${rule}`);
    this.otherMode.textContent = `play ${other.mode} instead`;
    this.otherMode.href = other.href;
    this.otherMode.hidden = false;
  }

  /** Shows the button that leaves the match; `leave` is called once, on its first click. */
  offerLeave(leave: () => void): void {
    this.leaveButton.hidden = false;
    this.leaveButton.onclick = () => {
      this.leaveButton.disabled = true;
      leave();
    };
  }

  /** The match is left, by the button or otherwise: there is nothing to leave any more. */
  left(): void {
    this.leaveButton.disabled = true;
  }

  /** The node the match runs on, which changes when the match moves to another (its host died). */
  host(nodeId: string | undefined): void {
    this.write('host', nodeId ?? '–');
  }

  show(values: PanelValues): void {
    this.write('rtt', values.rttMs === undefined ? '–' : `${Math.round(values.rttMs)} ms`);
    this.write('tick', String(values.serverTick));
    this.write('players', String(values.players));
    this.write('score', values.score === undefined ? '–' : String(values.score));
  }

  private write(field: Field, text: string): void {
    const element = this.values.get(field)!;
    if (element.textContent !== text) element.textContent = text;
  }
}
