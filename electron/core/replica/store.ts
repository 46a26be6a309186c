// The one place that talks S3. Everything the replica needs from the store, with every failure
// turned into a StationError code the front ends translate (replica/README.md lists them).
// The SDK is loaded on first use: importing it costs every CLI start a fifth of its time, and most
// commands never reach the store.
import type * as SdkModule from '@aws-sdk/client-s3';
import type { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { StationError } from '../errors.ts';

type Sdk = typeof SdkModule;
let sdkLoading: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  return (sdkLoading ??= import('@aws-sdk/client-s3'));
}

/** The SDK's own service-exception test, without loading the SDK (an error from it means it is loaded). */
function isServiceException(e: unknown): e is S3ServiceException {
  return e instanceof Error && typeof (e as Partial<S3ServiceException>).$fault === 'string' && typeof (e as Partial<S3ServiceException>).$metadata === 'object';
}

export type StoreConfig = { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };

export type ListedPart = { partNumber: number; etag: string; size: number };

/** ETags come quoted from S3; compare them bare and lower-case. */
export function bareEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '').toLowerCase();
}

/**
 * S3 error → station error. Only the store's own answer decides; anything without one (refused
 * connection, DNS, timeout) is "unreachable", which the queue retries.
 */
export function storeError(e: unknown, context: { endpoint: string; bucket: string }): StationError {
  if (e instanceof StationError) return e;
  const params = { endpoint: context.endpoint, bucket: context.bucket };
  if (isServiceException(e)) {
    const status = e.$metadata?.httpStatusCode ?? 0;
    switch (e.name) {
      case 'InvalidAccessKeyId':
      case 'SignatureDoesNotMatch':
        return new StationError('denied', 'replica.bad_credentials', params, { cause: e });
      case 'NoSuchBucket':
        return new StationError('input', 'replica.no_bucket', params, { cause: e });
      case 'ObjectLockConfigurationNotFoundError':
        return new StationError('input', 'replica.no_object_lock', params, { cause: e });
      case 'RequestTimeTooSkewed':
        return new StationError('io', 'replica.clock_skew', params, { cause: e });
      // Over http the SDK signs each part's SHA-256, and RGW checks that before Content-MD5: the
      // same fault (bytes changed on the way), answered by the other check.
      case 'BadDigest':
      case 'InvalidDigest':
      case 'XAmzContentSHA256Mismatch':
        return new StationError('io', 'replica.bad_digest', params, { cause: e });
      case 'QuotaExceeded':
      case 'InsufficientCapacity':
      case 'EntityTooLarge':
        return new StationError('io', 'replica.store_full', params, { cause: e });
      default:
        if (status === 507) return new StationError('io', 'replica.store_full', params, { cause: e });
        return new StationError('io', 'replica.store_error', { ...params, code: e.name, status }, { cause: e });
    }
  }
  return new StationError('io', 'replica.unreachable', { ...params, detail: String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200) }, { cause: e });
}

/** Whether the store refused (an S3 answer such as AccessDenied), as opposed to being unreachable. */
export function refusedByStore(e: unknown): boolean {
  return isServiceException(e) && (e.$metadata?.httpStatusCode ?? 0) >= 400;
}

export class ReplicaStore {
  readonly config: Omit<StoreConfig, 'secretAccessKey'>;
  private readonly secretAccessKey: string;
  private client: { c: S3Client; s: Sdk } | null = null;
  private closed = false;

  constructor(config: StoreConfig) {
    this.config = { endpoint: config.endpoint, bucket: config.bucket, region: config.region, accessKeyId: config.accessKeyId };
    this.secretAccessKey = config.secretAccessKey;
  }

  private async s3(): Promise<{ c: S3Client; s: Sdk }> {
    if (this.client) return this.client;
    const s = await loadSdk();
    if (this.client) return this.client;
    const config = { ...this.config, secretAccessKey: this.secretAccessKey };
    const c = new s.S3Client({
      endpoint: config.endpoint,
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      forcePathStyle: true,
      // RGW 16.2 answers a streamed PUT carrying the SDK's default checksum trailer with 411; it also
      // ignores x-amz-checksum-sha256 altogether. Parts carry Content-MD5 instead, which RGW enforces.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The queue retries with its own backoff and records why; the SDK's own retries would hide that.
      maxAttempts: 1,
      // With `Expect: 100-continue` (the SDK's default above 2 MB) the SDK sends the part on a
      // connection of its own marked `Connection: close`. RGW answers 100 before it checks the quota,
      // then refuses and closes without reading the rest: the part's write then ends in EPIPE or a
      // reset, often before the refusal is read, and "store full" came out as "unreachable". On a
      // kept-alive connection RGW reads and drops the unread body, and its answer always arrives.
      expectContinueHeader: false,
    });
    if (this.closed) c.destroy();
    this.client = { c, s };
    return this.client;
  }

  close(): void {
    this.closed = true;
    this.client?.c.destroy();
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw storeError(e, this.config);
    }
  }

  /** Sends the request and returns the raw S3 failure, if any (the WORM test expects refusals). */
  async attempt(fn: (c: S3Client, bucket: string, s: Sdk) => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> {
    try {
      const { c, s } = await this.s3();
      await fn(c, this.config.bucket, s);
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  }

  async versioning(): Promise<string | undefined> {
    const { c, s } = await this.s3();
    return this.call(async () => (await c.send(new s.GetBucketVersioningCommand({ Bucket: this.config.bucket }))).Status);
  }

  async objectLock(): Promise<{ enabled: boolean; defaultMode: string | null; defaultDays: number | null; defaultYears: number | null }> {
    const { c, s } = await this.s3();
    const r = await this.call(() => c.send(new s.GetObjectLockConfigurationCommand({ Bucket: this.config.bucket })));
    const rule = r.ObjectLockConfiguration?.Rule?.DefaultRetention;
    return { enabled: r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled', defaultMode: rule?.Mode ?? null, defaultDays: rule?.Days ?? null, defaultYears: rule?.Years ?? null };
  }

  /** Sets the bucket's default retention (COMPLIANCE, whole days), keeping Object Lock enabled. */
  async putDefaultRetention(days: number): Promise<void> {
    const { c, s } = await this.s3();
    await this.call(() =>
      c.send(new s.PutObjectLockConfigurationCommand({ Bucket: this.config.bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: days } } } })),
    );
  }

  async putSmall(key: string, body: Buffer, contentMd5: string, lock?: { retainUntil: Date }): Promise<{ versionId: string | null }> {
    const { c, s } = await this.s3();
    const r = await this.call(() =>
      c.send(
        new s.PutObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentMD5: contentMd5,
          ...(lock ? { ObjectLockMode: 'COMPLIANCE' as const, ObjectLockRetainUntilDate: lock.retainUntil } : {}),
        }),
      ),
    );
    return { versionId: r.VersionId ?? null };
  }

  async getSmall(key: string, versionId?: string): Promise<Buffer> {
    const { c, s } = await this.s3();
    return this.call(async () => {
      const r = await c.send(new s.GetObjectCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return Buffer.from(await r.Body!.transformToByteArray());
    });
  }

  /** Keys under a prefix (first 1000: enough to find the station manifests in a bucket). */
  async listKeys(prefix: string): Promise<string[]> {
    const { c, s } = await this.s3();
    return this.call(async () => {
      const r = await c.send(new s.ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, MaxKeys: 1000 }));
      return (r.Contents ?? []).map((c) => c.Key ?? '').filter(Boolean);
    });
  }

  /** Streams one version into a file. */
  async download(key: string, versionId: string | null, write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    const { c, s } = await this.s3();
    await this.call(async () => {
      const r = await c.send(new s.GetObjectCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      for await (const chunk of r.Body as AsyncIterable<Uint8Array>) await write(chunk);
    });
  }

  async createUpload(key: string, lock: { retainUntil: Date | null; legalHold: boolean }): Promise<string> {
    const { c, s } = await this.s3();
    const r = await this.call(() =>
      c.send(
        new s.CreateMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          ContentType: 'application/octet-stream',
          // Ignored by RGW 16.2 (Ceph tracker 63724): the lock is applied again after Complete and read back.
          ...(lock.retainUntil ? { ObjectLockMode: 'COMPLIANCE' as const, ObjectLockRetainUntilDate: lock.retainUntil } : {}),
          ...(lock.legalHold ? { ObjectLockLegalHoldStatus: 'ON' as const } : {}),
        }),
      ),
    );
    if (!r.UploadId) throw new StationError('io', 'replica.store_error', { endpoint: this.config.endpoint, bucket: this.config.bucket, code: 'NoUploadId', status: 0 });
    return r.UploadId;
  }

  /**
   * Sends one part. `signal` drops the request mid-body (the dock took over): the store keeps
   * nothing of it, and the part is sent again later.
   */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer, contentMd5: string, signal?: AbortSignal): Promise<string> {
    const { c, s } = await this.s3();
    const r = await this.call(() =>
      c.send(new s.UploadPartCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length, ContentMD5: contentMd5 }), {
        abortSignal: signal,
      }),
    );
    return bareEtag(r.ETag);
  }

  /** Every part the store lists for an upload; null when the store no longer knows the upload. */
  async listParts(key: string, uploadId: string): Promise<ListedPart[] | null> {
    const { c, s } = await this.s3();
    const out: ListedPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const r = await c.send(new s.ListPartsCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, ...(marker ? { PartNumberMarker: marker } : {}) }));
        for (const p of r.Parts ?? []) out.push({ partNumber: p.PartNumber ?? 0, etag: bareEtag(p.ETag), size: p.Size ?? 0 });
        if (!r.IsTruncated || !r.NextPartNumberMarker) return out;
        marker = r.NextPartNumberMarker;
      }
    } catch (e) {
      // RGW answers NoSuchKey (404) rather than NoSuchUpload when a gateway restart lost the upload's meta.
      if (isServiceException(e) && (e.name === 'NoSuchUpload' || e.$metadata?.httpStatusCode === 404)) return null;
      throw storeError(e, this.config);
    }
  }

  async complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<{ versionId: string | null }> {
    const { c, s } = await this.s3();
    const r = await this.call(() =>
      c.send(
        new s.CompleteMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) },
        }),
      ),
    );
    return { versionId: r.VersionId ?? null };
  }

  async abort(key: string, uploadId: string): Promise<void> {
    await this.attempt((c, Bucket, s) => c.send(new s.AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId })));
  }

  async head(key: string, versionId?: string | null): Promise<{ etag: string; size: number; versionId: string | null } | null> {
    const { c, s } = await this.s3();
    try {
      const r = await c.send(new s.HeadObjectCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return { etag: bareEtag(r.ETag), size: r.ContentLength ?? 0, versionId: r.VersionId ?? null };
    } catch (e) {
      if (isServiceException(e) && (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.name === 'NoSuchVersion' || e.$metadata?.httpStatusCode === 404)) return null;
      throw storeError(e, this.config);
    }
  }

  /** Every version of exactly this key, all pages (the oldest, which pruning is for, come last). */
  async versions(key: string): Promise<{ versionId: string; isLatest: boolean; lastModified: Date | null }[]> {
    const { c, s } = await this.s3();
    return this.call(async () => {
      const out: { versionId: string; isLatest: boolean; lastModified: Date | null }[] = [];
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      for (;;) {
        const r = await c.send(
          new s.ListObjectVersionsCommand({ Bucket: this.config.bucket, Prefix: key, MaxKeys: 1000, ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(versionMarker ? { VersionIdMarker: versionMarker } : {}) }),
        );
        for (const v of r.Versions ?? []) if (v.Key === key && v.VersionId) out.push({ versionId: v.VersionId, isLatest: v.IsLatest === true, lastModified: v.LastModified ?? null });
        if (!r.IsTruncated || !r.NextKeyMarker) return out;
        keyMarker = r.NextKeyMarker;
        versionMarker = r.NextVersionIdMarker;
      }
    });
  }

  async latestVersion(key: string): Promise<string | null> {
    const { c, s } = await this.s3();
    return this.call(async () => {
      const r = await c.send(new s.ListObjectVersionsCommand({ Bucket: this.config.bucket, Prefix: key, MaxKeys: 50 }));
      return (r.Versions ?? []).find((v) => v.Key === key && v.IsLatest)?.VersionId ?? null;
    });
  }

  async putRetention(key: string, versionId: string | null, retainUntil: Date): Promise<void> {
    const { c, s } = await this.s3();
    await this.call(() =>
      c.send(new s.PutObjectRetentionCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), Retention: { Mode: 'COMPLIANCE', RetainUntilDate: retainUntil } })),
    );
  }

  async retention(key: string, versionId: string | null): Promise<{ mode: string | null; retainUntil: Date | null }> {
    const { c, s } = await this.s3();
    try {
      const r = await c.send(new s.GetObjectRetentionCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return { mode: r.Retention?.Mode ?? null, retainUntil: r.Retention?.RetainUntilDate ?? null };
    } catch (e) {
      if (isServiceException(e) && (e.name === 'NoSuchObjectLockConfiguration' || e.$metadata?.httpStatusCode === 404)) return { mode: null, retainUntil: null };
      throw storeError(e, this.config);
    }
  }

  async putLegalHold(key: string, versionId: string | null, on = true): Promise<void> {
    const { c, s } = await this.s3();
    await this.call(() => c.send(new s.PutObjectLegalHoldCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), LegalHold: { Status: on ? 'ON' : 'OFF' } })));
  }

  async legalHold(key: string, versionId: string | null): Promise<boolean> {
    const { c, s } = await this.s3();
    try {
      const r = await c.send(new s.GetObjectLegalHoldCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return r.LegalHold?.Status === 'ON';
    } catch (e) {
      if (isServiceException(e) && e.$metadata?.httpStatusCode === 404) return false;
      throw storeError(e, this.config);
    }
  }

  /** For the WORM test and the tests: a delete of one version, with or without governance bypass. */
  deleteVersion(key: string, versionId: string, bypassGovernance: boolean): Promise<{ ok: true } | { ok: false; error: unknown }> {
    return this.attempt((c, Bucket, s) => c.send(new s.DeleteObjectCommand({ Bucket, Key: key, VersionId: versionId, ...(bypassGovernance ? { BypassGovernanceRetention: true } : {}) })));
  }

  shortenRetention(key: string, versionId: string, retainUntil: Date): Promise<{ ok: true } | { ok: false; error: unknown }> {
    return this.attempt((c, Bucket, s) => c.send(new s.PutObjectRetentionCommand({ Bucket, Key: key, VersionId: versionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: retainUntil } })));
  }
}
