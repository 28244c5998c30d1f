import './polyfill';
