// Sandboxed preload: exposes window.station = { invoke, on } and nothing else.
//
// The allow-lists are baked in at build time (electron.vite.config.ts `define`, computed from
// electron/api's handler map) instead of importing electron/api here: that import would pull zod,
// every handler module and, through them, electron/core with its node:crypto and better-sqlite3
// imports into this bundle, and a sandboxed preload can require none of those.
import { contextBridge, ipcRenderer } from 'electron';
import { createStationBridge } from './bridge.ts';

declare const __STATION_CHANNELS__: readonly string[];
declare const __STATION_EVENTS__: readonly string[];

contextBridge.exposeInMainWorld('station', createStationBridge(ipcRenderer, { channels: __STATION_CHANNELS__, events: __STATION_EVENTS__ }));
