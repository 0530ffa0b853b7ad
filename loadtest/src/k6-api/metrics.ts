// `k6/metrics`: custom metrics. Declared at a script's top level (k6's init context), added to by VUs.
import type { MetricContains, MetricType } from '../runner/metric-types.js';
import { sink } from './sample-sink.js';
import { requireVu, sampleTags } from './vu.js';

abstract class Metric {
  protected abstract readonly type: MetricType;

  constructor(
    readonly name: string,
    readonly isTime = false,
  ) {}

  protected declare(): void {
    const contains: MetricContains = this.isTime && this.type === 'trend' ? 'time' : 'default';
    sink.define(this.name, this.type, contains);
  }

  add(value: number | boolean, tags?: Record<string, string>): void {
    const vu = requireVu(`${this.name}.add`);
    if (vu.current === undefined) throw new Error('adding to metrics in the init context is not supported');
    const { tags: merged, key } = sampleTags(vu, tags);
    sink.add(this.name, typeof value === 'boolean' ? Number(value) : Number(value), merged, key);
  }
}

export class Counter extends Metric {
  protected readonly type = 'counter';

  constructor(name: string, isTime?: boolean) {
    super(name, isTime);
    this.declare();
  }
}

export class Gauge extends Metric {
  protected readonly type = 'gauge';

  constructor(name: string, isTime?: boolean) {
    super(name, isTime);
    this.declare();
  }
}

export class Rate extends Metric {
  protected readonly type = 'rate';

  constructor(name: string, isTime?: boolean) {
    super(name, isTime);
    this.declare();
  }
}

export class Trend extends Metric {
  protected readonly type = 'trend';

  constructor(name: string, isTime?: boolean) {
    super(name, isTime);
    this.declare();
  }
}
