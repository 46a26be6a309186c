// A stand-in for a vendor's 公安部-interface DLL: a C library with the same exports and codes, built
// by a test with gcc and loaded through koffi exactly as GabDllUnlocker loads a DLL on Windows. It
// proves the calling sequence, the buffers, the codes and the serialisation — not any vendor.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STAND_IN_SOURCE = String.raw`
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static int connected = 0, msdc = 0, inflight = 0, max_inflight = 0, inits = 0;
static void enter(void) { if (__sync_add_and_fetch(&inflight, 1) > max_inflight) max_inflight = inflight; usleep(20000); }
static void leave(void) { __sync_sub_and_fetch(&inflight, 1); }
int Init_Device(char *IDCode, int *iRet) { enter(); inits++; connected = strcmp(IDCode, "ZFY") == 0; *iRet = connected ? 1 : 2; leave(); return connected; }
int UnInit_Device(int *iRet) { connected = 0; *iRet = 1; return 1; }
int GetZFYInfo(unsigned char *info, char *sPwd, int *iRet) {
  enter();
  if (!connected) { *iRet = 2; leave(); return 0; }
  if (strcmp(sPwd, "123456") != 0) { *iRet = 4; leave(); return 0; }
  memset(info, 0, 94);
  memcpy(info, "1234567", 7); memcpy(info + 8, "654321", 6);
  memcpy(info + 15, "\xd5\xc5\xc8\xfd", 4);
  memcpy(info + 48, "110000000000", 12);
  memcpy(info + 61, "\xb1\xb1\xbe\xa9\xca\xd0\xb9\xab\xb0\xb2\xbe\xd6", 12);
  *iRet = 1; leave(); return 1;
}
int SetMSDC(char *sPwd, int *iRet) {
  enter();
  if (!connected) { *iRet = 2; leave(); return 0; }
  if (strcmp(sPwd, "123456") != 0) { *iRet = 4; leave(); return 0; }
  msdc++; *iRet = 7; leave(); return 1;
}
/* The recorder's clock: the PC's clock plus a drift, shown as Beijing wall time like a recorder set
   to local time. SyncDevTime takes no time, as in the 公安部 headers: it copies the PC's. */
static long drift = 0;
static int syncs = 0;
int GetDevTime(char *sTime, char *sPwd, int *iRet) {
  enter();
  if (!connected) { *iRet = 2; leave(); return 0; }
  if (strcmp(sPwd, "123456") != 0) { *iRet = 4; leave(); return 0; }
  time_t t = time(NULL) + drift + 8 * 3600;
  struct tm tm; gmtime_r(&t, &tm);
  strftime(sTime, 64, "%Y-%m-%d %H:%M:%S", &tm);
  *iRet = 1; leave(); return 1;
}
int SyncDevTime(char *sPwd, int *iRet) {
  enter();
  if (!connected) { *iRet = 2; leave(); return 0; }
  if (strcmp(sPwd, "123456") != 0) { *iRet = 4; leave(); return 0; }
  drift = 0; syncs++; *iRet = 1; leave(); return 1;
}
void es_set_drift(long seconds) { drift = seconds; }
int es_syncs(void) { return syncs; }
int es_msdc(void) { return msdc; }
int es_max_inflight(void) { return max_inflight; }
int es_inits(void) { return inits; }
`;

export type StandInProbe = {
  msdc(): number;
  maxInflight(): number;
  inits(): number;
  syncs(): number;
  setDrift(seconds: number): void;
  unload(): void;
};

/** Builds the stand-in in `dir`; `skip` says why it could not be built (no gcc). */
export async function buildGabStandIn(dir: string): Promise<{ lib: string; probe: StandInProbe } | { skip: string }> {
  const src = join(dir, 'standin.c');
  const lib = join(dir, 'libstandin.so');
  await writeFile(src, STAND_IN_SOURCE);
  try {
    execFileSync('gcc', ['-shared', '-fPIC', '-O1', '-o', lib, src], { stdio: 'pipe' });
  } catch (e) {
    return { skip: `no C compiler to build the stand-in library: ${(e as Error).message.split('\n')[0]}` };
  }
  const koffi = (await import('koffi')).default;
  const h = koffi.load(lib);
  const msdc = h.func('int es_msdc(void)');
  const maxInflight = h.func('int es_max_inflight(void)');
  const inits = h.func('int es_inits(void)');
  const syncs = h.func('int es_syncs(void)');
  const setDrift = h.func('void es_set_drift(long seconds)');
  return {
    lib,
    probe: {
      msdc: () => msdc() as number,
      maxInflight: () => maxInflight() as number,
      inits: () => inits() as number,
      syncs: () => syncs() as number,
      setDrift: (s: number) => void setDrift(s),
      unload: () => h.unload(),
    },
  };
}
