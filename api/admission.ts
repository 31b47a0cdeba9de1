import type { Response } from 'express';
import { PlacementsBusy } from './errors';
import { toProblem } from './problem';

export interface AdmissionOptions {
  /** Placements one API process works on at once; more are refused with 503 at once. */
  maxInFlight: number;
  /** The longest Retry-After it ever asks for. */
  maxRetryAfterSeconds: number;
  now?: () => number;
}

/** What the Retry-After of a refused or failed placement is worked out from. */
export interface Pressure {
  inFlight: number;
  maxInFlight: number;
  /** Recent placements' duration (moving average), successful or not. */
  latencyMs: number;
  /** How long POST /orders has been failing with 503 (0: its last placement went through). */
  failingForMs: number;
  maxRetryAfterSeconds: number;
}

/** Weight of the newest placement in the moving average of their duration. */
const LATENCY_WEIGHT = 0.2;
/** Each this much of an outage adds a second to the wait asked for. */
const OUTAGE_STEP_MS = 4_000;

/**
 * Seconds to wait before coming back: the placements ahead of the caller at the recent pace, or
 * longer the longer the shop has been failing, so a crowd refused during an outage thins out.
 */
export function retryAfterSeconds(pressure: Pressure): number {
  const queueSeconds = ((pressure.inFlight / pressure.maxInFlight) * pressure.latencyMs) / 1_000;
  const outageSeconds = pressure.failingForMs / OUTAGE_STEP_MS;
  const seconds = Math.ceil(Math.max(queueSeconds, outageSeconds));
  return Math.min(pressure.maxRetryAfterSeconds, Math.max(1, seconds));
}

/**
 * Admission control for POST /orders in one API process: beyond `maxInFlight` placements a request
 * is refused at once (503, Retry-After) instead of queueing into the placement deadline, and every
 * 503 of a placement carries a Retry-After that grows with the backlog and the outage.
 */
export class PlacementAdmission {
  private inFlight = 0;
  private latencyMs = 0;
  private failingSince: number | null = null;
  private readonly now: () => number;

  constructor(private readonly options: AdmissionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Runs one placement if there is room; a 503 it ends in (or the refusal) says when to retry. */
  async admit<T>(res: Response, place: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.options.maxInFlight) {
      res.locals.retryAfterSeconds = this.retryAfter();
      res.locals.placementRefused = true;
      throw new PlacementsBusy(this.inFlight);
    }
    this.inFlight += 1;
    const started = this.now();
    try {
      const placed = await place();
      this.failingSince = null;
      return placed;
    } catch (error) {
      if (toProblem(error).status === 503) {
        this.failingSince ??= started;
        res.locals.retryAfterSeconds = this.retryAfter();
      }
      throw error;
    } finally {
      this.inFlight -= 1;
      const took = this.now() - started;
      this.latencyMs =
        this.latencyMs === 0 ? took : this.latencyMs + LATENCY_WEIGHT * (took - this.latencyMs);
    }
  }

  retryAfter(): number {
    return retryAfterSeconds({
      inFlight: this.inFlight,
      maxInFlight: this.options.maxInFlight,
      latencyMs: this.latencyMs,
      failingForMs: this.failingSince === null ? 0 : this.now() - this.failingSince,
      maxRetryAfterSeconds: this.options.maxRetryAfterSeconds,
    });
  }

  get placementsInFlight(): number {
    return this.inFlight;
  }
}
