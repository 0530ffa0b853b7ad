// The leaderboard panel: a mode's top 10 from the gateway, this player's row marked, "leaderboard off" when no
// member of the cluster hosts leaderboards. Names come from other players: they are written as text, never as HTML.
import type { LeaderboardReading } from '../net/leaderboard.js';

export class LeaderboardPanel {
  private readonly list: HTMLOListElement;
  private readonly note: HTMLParagraphElement;
  /** The last reading drawn, as text: a reading like the last one is not drawn again. */
  private drawn = '';

  constructor(container: HTMLElement, mode: string) {
    const title = document.createElement('h2');
    title.textContent = `leaderboard · ${mode}`;
    this.list = document.createElement('ol');
    this.note = document.createElement('p');
    this.note.dataset.field = 'leaderboard-status';
    this.note.textContent = 'loading…';
    container.append(title, this.list, this.note);
  }

  /** Draws a reading; `ownPlayerId` is this page's player, whose row is marked. */
  show(reading: LeaderboardReading, ownPlayerId: string): void {
    const key = JSON.stringify([reading, ownPlayerId]);
    if (key === this.drawn) return;
    this.drawn = key;
    if (reading.kind !== 'board') {
      this.list.replaceChildren();
      this.note.textContent = reading.kind === 'off' ? 'leaderboard off' : 'leaderboard unavailable';
      this.note.title = reading.reason;
      return;
    }
    this.list.replaceChildren(
      ...reading.entries.map((entry) => {
        const row = document.createElement('li');
        row.dataset.player = entry.playerId;
        if (entry.playerId === ownPlayerId) row.dataset.own = 'true';
        const name = document.createElement('span');
        name.dataset.field = 'name';
        name.textContent = entry.name ?? entry.playerId;
        name.title = entry.playerId;
        const score = document.createElement('span');
        score.dataset.field = 'score';
        score.textContent = String(entry.score);
        row.append(name, score);
        return row;
      }),
    );
    this.note.textContent = reading.entries.length === 0 ? 'no scores yet' : '';
    this.note.title = '';
  }
}
