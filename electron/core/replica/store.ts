// The one place that talks S3. Everything the replica needs from the store, with every failure
// turned into a StationError code the front ends translate (replica/README.md lists them).
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { StationError } from '../errors.ts';

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
  if (e instanceof S3ServiceException) {
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
  return e instanceof S3ServiceException && (e.$metadata?.httpStatusCode ?? 0) >= 400;
}

export class ReplicaStore {
  readonly config: Omit<StoreConfig, 'secretAccessKey'>;
  private readonly client: S3Client;

  constructor(config: StoreConfig) {
    this.config = { endpoint: config.endpoint, bucket: config.bucket, region: config.region, accessKeyId: config.accessKeyId };
    this.client = new S3Client({
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
    });
  }

  close(): void {
    this.client.destroy();
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw storeError(e, this.config);
    }
  }

  /** Sends the request and returns the raw S3 failure, if any (the WORM test expects refusals). */
  async attempt(fn: (c: S3Client, bucket: string) => Promise<unknown>): Promise<{ ok: true } | { ok: false; error: unknown }> {
    try {
      await fn(this.client, this.config.bucket);
      return { ok: true };
    } catch (error) {
      return { ok: false, error };
    }
  }

  versioning(): Promise<string | undefined> {
    return this.call(async () => (await this.client.send(new GetBucketVersioningCommand({ Bucket: this.config.bucket }))).Status);
  }

  async objectLock(): Promise<{ enabled: boolean; defaultMode: string | null; defaultDays: number | null; defaultYears: number | null }> {
    const r = await this.call(() => this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.config.bucket })));
    const rule = r.ObjectLockConfiguration?.Rule?.DefaultRetention;
    return { enabled: r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled', defaultMode: rule?.Mode ?? null, defaultDays: rule?.Days ?? null, defaultYears: rule?.Years ?? null };
  }

  async putSmall(key: string, body: Buffer, contentMd5: string, lock?: { retainUntil: Date }): Promise<{ versionId: string | null }> {
    const r = await this.call(() =>
      this.client.send(
        new PutObjectCommand({
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
    return this.call(async () => {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return Buffer.from(await r.Body!.transformToByteArray());
    });
  }

  /** Keys under a prefix (first 1000: enough to find the station manifests in a bucket). */
  async listKeys(prefix: string): Promise<string[]> {
    return this.call(async () => {
      const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: prefix, MaxKeys: 1000 }));
      return (r.Contents ?? []).map((c) => c.Key ?? '').filter(Boolean);
    });
  }

  /** Streams one version into a file. */
  async download(key: string, versionId: string | null, write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
    await this.call(async () => {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      for await (const chunk of r.Body as AsyncIterable<Uint8Array>) await write(chunk);
    });
  }

  async createUpload(key: string, lock: { retainUntil: Date | null; legalHold: boolean }): Promise<string> {
    const r = await this.call(() =>
      this.client.send(
        new CreateMultipartUploadCommand({
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

  async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer, contentMd5: string): Promise<string> {
    const r = await this.call(() =>
      this.client.send(new UploadPartCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length, ContentMD5: contentMd5 })),
    );
    return bareEtag(r.ETag);
  }

  /** Every part the store lists for an upload; null when the store no longer knows the upload. */
  async listParts(key: string, uploadId: string): Promise<ListedPart[] | null> {
    const out: ListedPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const r = await this.client.send(new ListPartsCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId, ...(marker ? { PartNumberMarker: marker } : {}) }));
        for (const p of r.Parts ?? []) out.push({ partNumber: p.PartNumber ?? 0, etag: bareEtag(p.ETag), size: p.Size ?? 0 });
        if (!r.IsTruncated || !r.NextPartNumberMarker) return out;
        marker = r.NextPartNumberMarker;
      }
    } catch (e) {
      // RGW answers NoSuchKey (404) rather than NoSuchUpload when a gateway restart lost the upload's meta.
      if (e instanceof S3ServiceException && (e.name === 'NoSuchUpload' || e.$metadata?.httpStatusCode === 404)) return null;
      throw storeError(e, this.config);
    }
  }

  async complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<{ versionId: string | null }> {
    const r = await this.call(() =>
      this.client.send(
        new CompleteMultipartUploadCommand({
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
    await this.attempt((c, Bucket) => c.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId })));
  }

  async head(key: string, versionId?: string | null): Promise<{ etag: string; size: number; versionId: string | null } | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return { etag: bareEtag(r.ETag), size: r.ContentLength ?? 0, versionId: r.VersionId ?? null };
    } catch (e) {
      if (e instanceof S3ServiceException && (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.name === 'NoSuchVersion' || e.$metadata?.httpStatusCode === 404)) return null;
      throw storeError(e, this.config);
    }
  }

  /** Every version of exactly this key, all pages (the oldest, which pruning is for, come last). */
  async versions(key: string): Promise<{ versionId: string; isLatest: boolean; lastModified: Date | null }[]> {
    return this.call(async () => {
      const out: { versionId: string; isLatest: boolean; lastModified: Date | null }[] = [];
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      for (;;) {
        const r = await this.client.send(
          new ListObjectVersionsCommand({ Bucket: this.config.bucket, Prefix: key, MaxKeys: 1000, ...(keyMarker ? { KeyMarker: keyMarker } : {}), ...(versionMarker ? { VersionIdMarker: versionMarker } : {}) }),
        );
        for (const v of r.Versions ?? []) if (v.Key === key && v.VersionId) out.push({ versionId: v.VersionId, isLatest: v.IsLatest === true, lastModified: v.LastModified ?? null });
        if (!r.IsTruncated || !r.NextKeyMarker) return out;
        keyMarker = r.NextKeyMarker;
        versionMarker = r.NextVersionIdMarker;
      }
    });
  }

  async latestVersion(key: string): Promise<string | null> {
    return this.call(async () => {
      const r = await this.client.send(new ListObjectVersionsCommand({ Bucket: this.config.bucket, Prefix: key, MaxKeys: 50 }));
      return (r.Versions ?? []).find((v) => v.Key === key && v.IsLatest)?.VersionId ?? null;
    });
  }

  async putRetention(key: string, versionId: string | null, retainUntil: Date): Promise<void> {
    await this.call(() =>
      this.client.send(new PutObjectRetentionCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), Retention: { Mode: 'COMPLIANCE', RetainUntilDate: retainUntil } })),
    );
  }

  async retention(key: string, versionId: string | null): Promise<{ mode: string | null; retainUntil: Date | null }> {
    try {
      const r = await this.client.send(new GetObjectRetentionCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return { mode: r.Retention?.Mode ?? null, retainUntil: r.Retention?.RetainUntilDate ?? null };
    } catch (e) {
      if (e instanceof S3ServiceException && (e.name === 'NoSuchObjectLockConfiguration' || e.$metadata?.httpStatusCode === 404)) return { mode: null, retainUntil: null };
      throw storeError(e, this.config);
    }
  }

  async putLegalHold(key: string, versionId: string | null): Promise<void> {
    await this.call(() => this.client.send(new PutObjectLegalHoldCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}), LegalHold: { Status: 'ON' } })));
  }

  async legalHold(key: string, versionId: string | null): Promise<boolean> {
    try {
      const r = await this.client.send(new GetObjectLegalHoldCommand({ Bucket: this.config.bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
      return r.LegalHold?.Status === 'ON';
    } catch (e) {
      if (e instanceof S3ServiceException && e.$metadata?.httpStatusCode === 404) return false;
      throw storeError(e, this.config);
    }
  }

  /** For the WORM test and the tests: a delete of one version, with or without governance bypass. */
  deleteVersion(key: string, versionId: string, bypassGovernance: boolean): Promise<{ ok: true } | { ok: false; error: unknown }> {
    return this.attempt((c, Bucket) => c.send(new DeleteObjectCommand({ Bucket, Key: key, VersionId: versionId, ...(bypassGovernance ? { BypassGovernanceRetention: true } : {}) })));
  }

  shortenRetention(key: string, versionId: string, retainUntil: Date): Promise<{ ok: true } | { ok: false; error: unknown }> {
    return this.attempt((c, Bucket) => c.send(new PutObjectRetentionCommand({ Bucket, Key: key, VersionId: versionId, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: retainUntil } })));
  }
}
