/** A node as routing sees it: its id and the actor kinds (roles) it hosts. */
export interface Member {
  readonly id: string;
  readonly roles: readonly string[];
}
