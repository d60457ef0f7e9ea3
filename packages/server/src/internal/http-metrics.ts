import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The server's own Prometheus series: request duration and sizes by route, method and status, and requests in flight. */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly #duration: Histogram<'route' | 'method' | 'status'>;
  readonly #requestSize: Histogram<'route' | 'method' | 'status'>;
  readonly #responseSize: Histogram<'route' | 'method' | 'status'>;
  readonly #requests: Counter<'route' | 'method' | 'status'>;
  readonly inFlight: Gauge;
  // The label children per route, method and status, so that a request does not hash its labels four times.
  readonly #series = new Map<string, { duration: { observe(v: number): void }; requestSize: { observe(v: number): void }; responseSize: { observe(v: number): void }; requests: { inc(): void } }>();

  constructor() {
    const registers = [this.registry];
    const labelNames = ['route', 'method', 'status'] as const;
    this.#duration = new Histogram({
      name: 'inferox_http_request_duration_seconds',
      help: 'HTTP request duration by route template, method and status',
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const sizes = [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304];
    this.#requestSize = new Histogram({ name: 'inferox_http_request_size_bytes', help: 'HTTP request body size by route, method and status', labelNames, buckets: sizes, registers });
    this.#responseSize = new Histogram({ name: 'inferox_http_response_size_bytes', help: 'HTTP response body size by route, method and status', labelNames, buckets: sizes, registers });
    this.#requests = new Counter({ name: 'inferox_http_requests_total', help: 'HTTP requests by route, method and status', labelNames, registers });
    this.inFlight = new Gauge({ name: 'inferox_http_requests_in_flight', help: 'HTTP requests being served', registers });
  }

  /** Records one answered request; `route` is the route template (never the raw URL, which would grow the series). */
  observe(route: string, method: string, status: number, seconds: number, requestBytes: number, responseBytes: number): void {
    const key = `${route} ${method} ${status}`;
    let series = this.#series.get(key);
    if (!series) {
      const labels = [route, method, String(status)] as const;
      series = {
        duration: this.#duration.labels(...labels),
        requestSize: this.#requestSize.labels(...labels),
        responseSize: this.#responseSize.labels(...labels),
        requests: this.#requests.labels(...labels),
      };
      this.#series.set(key, series);
    }
    series.duration.observe(seconds);
    series.requestSize.observe(requestBytes);
    series.responseSize.observe(responseBytes);
    series.requests.inc();
  }
}
