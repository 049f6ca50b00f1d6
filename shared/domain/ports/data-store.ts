/** The tables' reachability, for health reporting. */
export interface DataStore {
  check(): Promise<void>;
}
