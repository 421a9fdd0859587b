import { Injectable } from '@nestjs/common';

/** Reports projection lag for /health; the projection runner registers itself here. */
@Injectable()
export class ProjectionStatusSource {
  private source: (() => Promise<unknown>) | null = null;
  register(fn: () => Promise<unknown>) {
    this.source = fn;
  }
  async status(): Promise<unknown> {
    return this.source ? this.source() : { running: false };
  }
}
