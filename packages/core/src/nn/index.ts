export type { Backbone, ForwardMode, Head, Module } from './module.js';
