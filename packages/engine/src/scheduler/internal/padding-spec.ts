/** Resolved padding options. */
export interface PaddingSpec {
  readonly inputs: readonly string[];
  readonly value: number;
  /** Outputs to cut back; undefined: every output of rank ≥ 2 whose dim 1 is the padded length. */
  readonly outputs: readonly string[] | undefined;
}
