/**
 * The contract between the AT engine and everyone who sends commands (the Modem service, the shims).
 * Shims get an AtChannel, never the engine or the port.
 */

/** A completed command: the information lines (echo and URCs removed) and the final result code. */
export interface AtResponse {
  readonly command: string;
  readonly lines: readonly string[];
  /** The final result line as received: `OK`, `CONNECT 115200`, … */
  readonly final: string;
}

export interface SendOptions {
  /** Overrides the timeout table for this command, in milliseconds. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Text written after the `> ` prompt (SMS PDU, socket data); ended with Ctrl-Z by the engine.
   */
  readonly payload?: string;
  /**
   * Write the command even though the last one timed out and the stream is not resynchronised.
   * For recovery commands (CFUN cycle, vendor reset) that must reach a modem that has stopped
   * answering; what comes back may be a late reply, so nothing but "was it written" is trusted.
   */
  readonly skipResync?: boolean;
}

/**
 * Sends one AT command and resolves with its response when the final result is `OK` or `CONNECT`.
 * Rejects with a ZtgwError: `AT_ERROR`, `AT_CME` (`details.cme`, `details.cmeName`), `AT_CMS`,
 * `AT_NO_CARRIER`, `AT_TIMEOUT` (`details.phase`, `details.command`, `details.elapsedMs`),
 * `AT_PORT_CLOSED`, `AT_ABORTED`.
 */
export interface AtChannel {
  send(command: string, opts?: SendOptions): Promise<AtResponse>;
}
