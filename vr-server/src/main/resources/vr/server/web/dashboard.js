// The vr-server dashboard: plain DOM over the server's JSON API and SSE streams. No framework, nothing from
// another origin. Text from the server is only ever set as textContent, never parsed as HTML.
'use strict';
(() => {
  const main = document.getElementById('main');
  const page = main.dataset.page;

  // --- small helpers

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return e;
  }

  function start(title, ...kids) {
    main.replaceChildren(el('h1', {text: title}), ...kids);
  }

  function live(text) {
    document.getElementById('live').textContent = text;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.error || body.fault)) || ('HTTP ' + status));
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body, raw) {
    const opts = {method, credentials: 'same-origin', headers: {'Accept': 'application/json'}};
    if (body !== undefined) {
      if (raw) {
        opts.body = body;
        opts.headers['Content-Type'] = 'application/octet-stream';
      } else {
        opts.body = JSON.stringify(body);
        opts.headers['Content-Type'] = 'application/json';
      }
    }
    const r = await fetch(path, opts);
    if (r.status === 401) {
      location.href = '/login/?next=' + encodeURIComponent(location.pathname + location.search);
      throw new ApiError(401, {error: 'logged out'});
    }
    const text = await r.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = {error: text};
    }
    if (!r.ok) throw new ApiError(r.status, data);
    return {status: r.status, body: data, location: r.headers.get('Location')};
  }

  const get = async (path) => (await api('GET', path)).body;
  const list = async (path) => (await get(path + (path.includes('?') ? '&' : '?') + 'limit=1000')).objects;

  function stream(path, onData) {
    const es = new EventSource(path);
    es.onopen = () => live('live: connected');
    es.onerror = () => live('live: reconnecting…');
    es.onmessage = (e) => {
      let data;
      try {
        data = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      onData(data, e);
    };
    return es;
  }

  const last = (uri) => (uri ? String(uri).replace(/\/$/, '').split('/').pop() : '');
  const tagsOf = (ev) => (Array.isArray(ev.tags) ? ev.tags : String(ev.tags || '').split(',').map((t) => t.trim()));
  const when = (t) => (t ? new Date(typeof t === 'number' ? t * 1000 : t).toLocaleString() : '');

  function errorBox(err) {
    return el('p', {class: 'error', role: 'alert', text: err instanceof Error ? err.message : String(err)});
  }

  // Polls a job (a build or a dispatch) by its trace until it ends; calls done(job) once.
  function watchJob(trace, done) {
    const tick = async () => {
      try {
        const job = await get('/api/v1/jobs/' + encodeURIComponent(trace) + '/');
        if (job.state === 'succeeded' || job.state === 'failed') {
          done(job);
          return;
        }
      } catch (e) {
        if (e.status !== 404) console.warn(e);
      }
      setTimeout(tick, 1000);
    };
    tick();
  }

  // --- forms whose errors come from the server, shown next to the field

  // fields: [{name, label, type: text|number|textarea|select|multi|checkbox|file, options, help, required}]
  // prefix: for a page with several forms, so that their ids differ (fields f-NAME and err-NAME without one)
  function form(fields, values, submitLabel, onSubmit, prefix) {
    const fid = (name) => (prefix ? prefix + '-' : 'f-') + name;
    const eid = (name) => 'err-' + (prefix ? prefix + '-' : '') + name;
    const f = el('form', {novalidate: true, class: 'record'});
    const top = el('p', {class: 'error form-error', role: 'alert', hidden: true});
    f.append(top);
    for (const fd of fields) {
      const id = fid(fd.name);
      const err = el('p', {class: 'field-error', id: eid(fd.name), role: 'alert', hidden: true});
      const help = fd.help ? el('small', {id: 'help-' + id, text: fd.help}) : null;
      const described = [eid(fd.name), help ? 'help-' + id : null].filter(Boolean).join(' ');
      let input;
      const v = values ? values[fd.name] : undefined;
      if (fd.type === 'textarea') {
        input = el('textarea', {id, name: fd.name, rows: 4, 'aria-describedby': described});
        input.value = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      } else if (fd.type === 'select' || fd.type === 'multi') {
        input = el('select', {id, name: fd.name, multiple: fd.type === 'multi', 'aria-describedby': described});
        if (fd.type === 'select' && !fd.required) input.append(el('option', {value: '', text: '(none)'}));
        const chosen = new Set((Array.isArray(v) ? v : [v]).filter(Boolean).map(String));
        for (const [value, label] of fd.options || []) {
          input.append(el('option', {value, text: label, selected: chosen.has(value) || chosen.has(label)}));
        }
      } else if (fd.type === 'checkbox') {
        input = el('input', {id, name: fd.name, type: 'checkbox', 'aria-describedby': described});
        input.checked = v === undefined ? !!fd.dflt : !!v;
      } else {
        input = el('input', {id, name: fd.name, type: fd.type === 'number' ? 'text' : fd.type || 'text',
          inputmode: fd.type === 'number' ? 'numeric' : null, 'aria-describedby': described});
        if (fd.type !== 'file') input.value = v === undefined || v === null ? (fd.dflt ?? '') : String(v);
      }
      f.append(el('div', {class: 'field'}, el('label', {for: id, text: fd.label || fd.name}), input, help, err));
    }
    const button = el('button', {type: 'submit', text: submitLabel});
    f.append(el('div', {class: 'actions'}, button));
    const clearErrors = () => {
      top.hidden = true;
      for (const p of f.querySelectorAll('.field-error')) {
        p.hidden = true;
        p.textContent = '';
      }
      for (const i of f.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
    };
    f.showErrors = (err) => {
      const body = err.body || {};
      const errors = Object.assign({}, body.errors || {});
      if (body.field && !errors[body.field]) errors[body.field] = [body.error];
      let placed = false;
      for (const [name, msgs] of Object.entries(errors)) {
        const p = f.querySelector('#' + CSS.escape(eid(name)));
        if (!p) continue;
        p.textContent = [].concat(msgs).join(' ');
        p.hidden = false;
        f.querySelector('#' + CSS.escape(fid(name))).setAttribute('aria-invalid', 'true');
        placed = true;
      }
      if (!placed) {
        top.textContent = err.message;
        top.hidden = false;
      }
      const first = f.querySelector('[aria-invalid]');
      if (first) first.focus();
    };
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors();
      const out = {};
      for (const fd of fields) {
        const input = f.elements[fd.name];
        if (fd.type === 'checkbox') out[fd.name] = input.checked;
        else if (fd.type === 'multi') out[fd.name] = [...input.selectedOptions].map((o) => o.value);
        else if (fd.type === 'select') out[fd.name] = input.value === '' ? null : input.value;
        else if (fd.type === 'number') out[fd.name] = /^-?\d+$/.test(input.value.trim()) ? Number(input.value) : input.value;
        else if (fd.type === 'file') out[fd.name] = input.files[0] || null;
        else out[fd.name] = input.value;
      }
      button.disabled = true;
      try {
        await onSubmit(out, f);
      } catch (err) {
        if (err instanceof ApiError) f.showErrors(err);
        else f.showErrors({message: String(err.message || err)});
      } finally {
        button.disabled = false;
      }
    });
    return f;
  }

  async function options(kind, label) {
    return (await list('/api/v1/' + kind + '/')).map((o) => [o.resource_uri, label(o)]);
  }

  // --- home: hosts by squad with their procs, live

  async function home() {
    const hosts = new Map(); // name -> {name, squad, state, reason, source, procs: Map(id -> proc)}
    // Squads are listed for those without hosts; they render every host again, so the page does not wait for them.
    let squads = [];
    const hostRows = await list('/api/v1/hosts/');
    // The list carries each host's cached procs: painted at once, then each host's own answer says up or down.
    for (const h of hostRows) {
      hosts.set(h.name, {name: h.name, squad: last(h.squad) || '(no squad)', state: 'unknown', reason: 'asking…',
        source: '', procs: new Map((h.procs || []).map((p) => [p.id, p]))});
    }
    const filters = {app: el('select', {id: 'filter-app'}), host: el('select', {id: 'filter-host'}),
      state: el('select', {id: 'filter-state'}), text: el('input', {id: 'filter-text', type: 'search'})};
    const bar = el('form', {class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault()},
      el('label', {for: 'filter-app', text: 'App'}), filters.app,
      el('label', {for: 'filter-host', text: 'Host'}), filters.host,
      el('label', {for: 'filter-state', text: 'State'}), filters.state,
      el('label', {for: 'filter-text', text: 'Search'}), filters.text);
    const board = el('div', {id: 'board'});
    start('Procs', bar, board);
    const sections = new Map(); // host name -> article

    function fillSelect(sel, values) {
      const keep = sel.value;
      sel.replaceChildren(el('option', {value: '', text: 'all'}), ...[...values].sort().map((v) => el('option', {value: v, text: v})));
      sel.value = values.has(keep) ? keep : '';
    }
    function refreshFilters() {
      const apps = new Set();
      const states = new Set();
      for (const h of hosts.values()) {
        for (const p of h.procs.values()) {
          apps.add(p.app_name);
          states.add(p.statename);
        }
      }
      fillSelect(filters.app, apps);
      fillSelect(filters.host, new Set(hosts.keys()));
      fillSelect(filters.state, states);
    }
    function shows(p) {
      const q = filters.text.value.trim().toLowerCase();
      return (!filters.app.value || p.app_name === filters.app.value)
        && (!filters.state.value || p.statename === filters.state.value)
        && (!q || [p.name, p.host, p.app_name, p.version, p.config_name, p.proc_name, p.statename, String(p.port)]
          .some((s) => String(s ?? '').toLowerCase().includes(q)));
    }
    function renderHost(h) {
      const shown = [...h.procs.values()].filter(shows).sort((a, b) => a.name.localeCompare(b.name));
      const art = el('article', {class: 'host state-' + h.state, 'data-host': h.name, 'aria-labelledby': 'host-' + h.name},
        el('h3', {id: 'host-' + h.name}, h.name, ' ', el('span', {class: 'badge', text: h.state})),
        h.state !== 'up' ? el('p', {class: 'reason', text: h.state + ': ' + (h.reason || 'no answer')
          + (h.source === 'stale-cache' ? ' (procs below as last cached)' : '')}) : null,
        h.procs.size === 0 ? el('p', {class: 'muted', text: h.state === 'up' ? 'no procs' : ''})
          : el('table', {}, el('thead', {}, el('tr', {}, ...['proc', 'app', 'version', 'config', 'name', 'port', 'state']
            .map((t) => el('th', {scope: 'col', text: t})))),
          el('tbody', {}, shown.map((p) => el('tr', {'data-proc': p.id, class: 'proc st-' + p.statename},
            el('td', {}, el('a', {href: '/procs/' + encodeURIComponent(p.host) + '/' + encodeURIComponent(p.name) + '/', text: p.name})),
            el('td', {text: p.app_name}), el('td', {text: p.version}), el('td', {text: p.config_name}),
            el('td', {text: p.proc_name}), el('td', {text: p.port}),
            el('td', {class: 'statename', text: p.statename}))))));
      art.hidden = (filters.host.value && filters.host.value !== h.name)
        || (h.procs.size > 0 && shown.length === 0 && (filters.app.value || filters.state.value || filters.text.value));
      const old = sections.get(h.name);
      if (old) old.replaceWith(art);
      sections.set(h.name, art);
      return art;
    }
    function renderAll() {
      const bySquad = new Map();
      for (const s of squads) bySquad.set(s.name, []);
      for (const h of hosts.values()) {
        if (!bySquad.has(h.squad)) bySquad.set(h.squad, []);
        bySquad.get(h.squad).push(h);
      }
      sections.clear();
      board.replaceChildren(...[...bySquad].map(([squad, hs]) => el('section', {class: 'squad', 'aria-labelledby': 'squad-' + squad},
        el('h2', {id: 'squad-' + squad, text: 'Squad ' + squad}),
        hs.length ? hs.map(renderHost) : el('p', {class: 'muted', text: 'no hosts'}))));
    }
    for (const f of Object.values(filters)) f.addEventListener('input', renderAll);
    refreshFilters();
    renderAll();
    const squadsLoaded = list('/api/v1/squads/').then((rows) => {
      squads = rows;
      renderAll();
    });
    // Procs arrive while the hosts are asked; a proc change seen before its host answered is kept.
    stream('/api/streams/proc_changes/', (p) => {
      if (!p.host || !p.id) return;
      let h = hosts.get(p.host);
      if (!h) {
        h = {name: p.host, squad: '(not in the records)', state: 'unknown', reason: 'only seen in proc changes', source: '', procs: new Map()};
        hosts.set(p.host, h);
        refreshFilters();
        renderAll();
      }
      if (p.event === 'PROCESS_GROUP_REMOVED') h.procs.delete(p.id);
      else h.procs.set(p.id, p);
      refreshFilters();
      renderHost(h);
    });
    await Promise.all([...hosts.values()].map(async (h) => {
      try {
        const r = await get('/api/v1/hosts/' + encodeURIComponent(h.name) + '/procs/');
        Object.assign(h, {state: r.state, reason: r.reason, source: r.source});
        if (r.source !== 'stale-cache' || h.procs.size === 0) {
          // what the host answered replaces what the cache said; changes streamed in meanwhile are kept
          const streamed = [...h.procs.values()].filter((p) => p.event);
          h.procs = new Map(r.objects.map((p) => [p.id, p]));
          for (const p of streamed) {
            if (p.event === 'PROCESS_GROUP_REMOVED') h.procs.delete(p.id);
            else h.procs.set(p.id, p);
          }
        }
      } catch (e) {
        Object.assign(h, {state: 'unknown', reason: e.message});
      }
      refreshFilters();
      renderHost(h);
    }));
    await squadsLoaded;
    main.dataset.loaded = 'true';
  }

  // --- one proc

  async function proc() {
    const host = main.dataset.host;
    const name = main.dataset.proc;
    const path = '/api/v1/hosts/' + encodeURIComponent(host) + '/procs/' + encodeURIComponent(name) + '/';
    const state = el('dd', {id: 'proc-state'});
    const result = el('p', {id: 'action-result', role: 'status'});
    const facts = el('dl', {class: 'facts'});
    const log = el('pre', {id: 'log', class: 'log', tabindex: 0, 'aria-label': 'log tail'});
    const release = el('div', {id: 'release'});
    const tests = el('div', {id: 'uptests'});
    const act = (action) => async () => {
      result.textContent = action + '…';
      try {
        const p = (await api('POST', path, {action})).body;
        show(p);
        result.textContent = action + ': now ' + p.statename;
      } catch (e) {
        result.textContent = action + ' failed: ' + e.message;
      }
    };
    const buttons = el('div', {class: 'actions'}, ['start', 'stop', 'restart'].map((a) =>
      el('button', {type: 'button', 'data-action': a, onclick: act(a), text: a[0].toUpperCase() + a.slice(1)})));
    start('Proc ' + name,
      el('p', {}, 'on ', el('a', {href: '/', text: host})),
      el('dl', {class: 'facts'}, el('dt', {text: 'state'}), state), buttons, result, facts,
      el('h2', {text: 'Log'}), log,
      el('h2', {text: 'Release and build'}), release,
      el('h2', {text: 'Uptest results'}), tests);
    function show(p) {
      state.textContent = p.statename;
      state.className = 'st-' + p.statename;
      facts.replaceChildren(...['app_name', 'version', 'config_name', 'proc_name', 'port', 'hash', 'pid', 'start_time',
        'stop_time', 'exitstatus', 'spawnerr', 'description'].flatMap((k) => [el('dt', {text: k}), el('dd', {text: p[k] ?? ''})]));
    }
    let p;
    try {
      p = await get(path);
      show(p);
    } catch (e) {
      state.textContent = 'unknown';
      facts.replaceChildren(errorBox(e));
    }
    stream('/api/streams/proc_changes/', (c) => {
      if (c.host === host && c.name === name) show(c);
    });
    const logStream = new EventSource('/api/streams/proc_log/' + encodeURIComponent(host) + '/' + encodeURIComponent(name) + '/');
    logStream.onmessage = (e) => {
      log.append(e.data + '\n');
      while (log.childNodes.length > 2000) log.firstChild.remove();
      log.scrollTop = log.scrollHeight;
    };
    logStream.onerror = () => live('log: reconnecting…');
    if (p && p.hash && p.hash !== 'UNKNOWN') {
      try {
        const rels = await list('/api/v1/releases/?hash=' + encodeURIComponent(p.hash));
        const rel = rels[0];
        if (rel) {
          const build = await get(rel.build);
          release.replaceChildren(el('dl', {class: 'facts'}, ...[
            ['release', rel.compiled_name], ['run as', rel.run_as], ['memory', rel.mem_limit || 'no limit'],
            ['build', build.id + ' (' + build.tag + ')'], ['build status', build.status],
            ['built', when(build.end_time)], ['buildpack', build.buildpack_url || '']]
            .flatMap(([k, v]) => [el('dt', {text: k}), el('dd', {text: v ?? ''})])),
          el('details', {}, el('summary', {text: 'config'}), el('pre', {text: rel.config_yaml || ''})));
        } else {
          release.replaceChildren(el('p', {class: 'muted', text: 'no release with hash ' + p.hash}));
        }
      } catch (e) {
        release.replaceChildren(errorBox(e));
      }
    } else {
      release.replaceChildren(el('p', {class: 'muted', text: 'not a VR proc'}));
    }
    try {
      const results = await get('/api/v1/testresults/?limit=10&hostname=' + encodeURIComponent(host) + '&procname=' + encodeURIComponent(name));
      tests.replaceChildren(results.objects.length === 0 ? el('p', {class: 'muted', text: 'no uptest results'})
        : el('ul', {}, results.objects.map((r) => el('li', {class: r.passed ? 'passed' : 'failed'},
          (r.passed ? 'passed' : 'FAILED') + ' · ' + r.testcount + ' tests · ' + when(r.time),
          r.passed ? null : el('pre', {text: r.results || ''})))));
    } catch (e) {
      tests.replaceChildren(errorBox(e));
    }
    main.dataset.loaded = 'true';
  }

  // --- swarms

  async function swarms() {
    const search = el('input', {id: 'swarm-search', type: 'search'});
    const body = el('tbody');
    start('Swarms', el('p', {}, el('a', {href: '/swarms/new/', class: 'button', text: 'New swarm'})),
      el('form', {role: 'search', class: 'filters', onsubmit: (e) => e.preventDefault()},
        el('label', {for: 'swarm-search', text: 'Search'}), search),
      el('table', {id: 'swarms'}, el('thead', {}, el('tr', {}, ['swarm', 'app', 'version', 'size', 'procs up/total',
        'squad', 'pool', 'last outcome'].map((t) => el('th', {scope: 'col', text: t})))), body));
    const [rows, runs] = await Promise.all([list('/api/v1/swarms/'), get('/api/v1/swarm_runs/')]);
    const lastRun = new Map(runs.objects.map((r) => [Number(r.swarm_id), r]));
    const trs = rows.map((s) => {
      const procs = s.procs || [];
      const up = procs.filter((p) => p.statename === 'RUNNING').length;
      const r = lastRun.get(Number(s.id));
      const outcome = r ? r.state + (r.state === 'failed' ? ' at ' + r.step + ': ' + (r.message || '') : '') : 'never dispatched';
      const tr = el('tr', {'data-swarm': s.id},
        el('td', {}, el('a', {href: '/swarms/' + s.id + '/', text: s.shortname})), el('td', {text: s.app_name}),
        el('td', {text: s.version || ''}), el('td', {text: s.size}), el('td', {text: up + '/' + procs.length}),
        el('td', {text: s.squad_name}), el('td', {text: s.pool || ''}),
        el('td', {class: r && r.state === 'failed' ? 'failed' : '', text: outcome}));
      tr.dataset.text = [s.shortname, s.app_name, s.version, s.squad_name, s.pool, outcome].join(' ').toLowerCase();
      return tr;
    });
    body.replaceChildren(...trs);
    search.addEventListener('input', () => {
      const q = search.value.trim().toLowerCase();
      for (const tr of trs) tr.hidden = q !== '' && !tr.dataset.text.includes(q);
    });
    main.dataset.loaded = 'true';
  }

  async function swarm() {
    const id = main.dataset.id;
    const [apps, squads, ingredients, s] = await Promise.all([
      options('apps', (o) => o.name), options('squads', (o) => o.name), options('ingredients', (o) => o.name),
      id ? get('/api/v1/swarms/' + id + '/') : Promise.resolve({})]);
    const fields = [
      {name: 'app', type: 'select', options: apps}, {name: 'version', label: 'version (tag)'},
      {name: 'config_name', label: 'config name'}, {name: 'proc_name', label: 'proc name'},
      {name: 'squad', type: 'select', options: squads}, {name: 'size', type: 'number', dflt: '1'},
      {name: 'config_ingredients', label: 'ingredients', type: 'multi', options: ingredients},
      {name: 'config_yaml', label: 'config (YAML)', type: 'textarea'},
      {name: 'env_yaml', label: 'env (YAML)', type: 'textarea'},
      {name: 'volumes', label: 'volumes (YAML: [[host_dir, mountpoint], ...])', type: 'textarea'},
      {name: 'run_as', label: 'run as', dflt: 'nobody'}, {name: 'mem_limit', label: 'memory limit', help: 'e.g. 256M; empty: none'},
      {name: 'memsw_limit', label: 'memory+swap limit'}, {name: 'balancer'}, {name: 'pool'}];
    const progress = el('section', {id: 'progress', 'aria-labelledby': 'progress-h', hidden: true},
      el('h2', {id: 'progress-h', text: 'Dispatch'}), el('p', {id: 'outcome', role: 'status'}), el('ol', {id: 'steps'}));
    const f = form(fields, s, id ? 'Save' : 'Create', async (v) => {
      if (!v.volumes || !String(v.volumes).trim()) v.volumes = [];
      if (id) {
        await api('PATCH', '/api/v1/swarms/' + id + '/', v);
        live('saved');
        location.reload();
      } else {
        const r = await api('POST', '/api/v1/swarms/', v);
        location.href = '/swarms/' + last(r.location || r.body.resource_uri) + '/';
      }
    });
    const dispatch = id ? el('button', {type: 'button', id: 'dispatch', text: 'Dispatch', onclick: async () => {
      dispatch.disabled = true;
      try {
        const r = await api('POST', '/api/v1/swarms/' + id + '/swarm/', {});
        follow(r.body.swarm_id);
      } catch (e) {
        progress.hidden = false;
        progress.querySelector('#outcome').textContent = 'Not dispatched: ' + e.message;
      } finally {
        dispatch.disabled = false;
      }
    }}) : null;
    start(id ? 'Swarm ' + (s.shortname || id) : 'New swarm',
      id ? el('p', {}, 'Procs up: ', String((s.procs || []).filter((p) => p.statename === 'RUNNING').length), '/',
        String((s.procs || []).length), ' · size ', String(s.size)) : null,
      f, dispatch ? el('div', {class: 'actions'}, dispatch) : null, progress);

    function follow(trace) {
      progress.hidden = false;
      progress.dataset.trace = trace;
      delete progress.dataset.outcome;
      const outcome = progress.querySelector('#outcome');
      const steps = progress.querySelector('#steps');
      outcome.textContent = 'Dispatched (trace ' + trace + '); waiting for its steps…';
      steps.replaceChildren();
      const end = (kind, text) => {
        if (progress.dataset.outcome) return;
        progress.dataset.outcome = kind;
        outcome.textContent = text;
        outcome.className = kind === 'routed' ? 'ok' : 'failed';
        es.close();
      };
      const es = stream('/api/streams/events/', (ev) => {
        if (ev.swarm_id !== trace && ev.swarm_trace_id !== trace) return;
        const tags = tagsOf(ev);
        const failed = tags.includes('failed');
        const logLine = tags.includes('build') && tags.includes('log');
        steps.append(el('li', {class: failed ? 'failed' : tags.includes('success') || tags.includes('done') ? 'ok' : ''},
          el('strong', {text: (failed ? 'FAILED · ' : '') + ev.title}), ' ', el('small', {text: when(ev.time)}),
          failed || logLine || tags.includes('uptest') ? el('pre', {class: 'output', text: ev.message}) : el('div', {text: ev.message})));
        if (tags.includes('done') && /^Swarm /.test(ev.title)) end('routed', 'Routed: ' + ev.message);
        else if (failed && /^Swarm .* aborted$/.test(ev.title)) end('failed', 'Failed: ' + ev.message);
      });
      watchJob(trace, (job) => {
        // the events say it first; the job's row covers a failure before the flow (a build, no release, ...)
        setTimeout(() => end(job.state === 'succeeded' ? 'routed' : 'failed',
          (job.state === 'succeeded' ? 'Routed: ' : 'Failed: ') + (job.message || '')), 1500);
      });
    }
    const trace = new URLSearchParams(location.search).get('trace');
    if (trace) follow(trace);
    main.dataset.loaded = 'true';
  }

  // --- events

  async function events() {
    const text = el('input', {id: 'ev-text', type: 'search'});
    const tag = el('input', {id: 'ev-tag', type: 'text'});
    const failures = el('input', {id: 'ev-failed', type: 'checkbox'});
    const ol = el('ol', {id: 'events', class: 'events', reversed: true});
    start('Events', el('form', {class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault()},
      el('label', {for: 'ev-text', text: 'Search'}), text, el('label', {for: 'ev-tag', text: 'Tag'}), tag,
      el('label', {for: 'ev-failed'}, failures, ' failures only')), ol);
    const apply = (li) => {
      const q = text.value.trim().toLowerCase();
      const t = tag.value.trim();
      li.hidden = (q && !li.dataset.text.includes(q)) || (t && !li.dataset.tags.split(',').includes(t))
        || (failures.checked && !li.classList.contains('failed'));
    };
    for (const i of [text, tag, failures]) i.addEventListener('input', () => ol.querySelectorAll('li').forEach(apply));
    stream('/api/streams/events/', (ev) => {
      const tags = tagsOf(ev);
      const failed = tags.includes('failed');
      const li = el('li', {class: failed ? 'failed' : ''},
        el('strong', {text: (failed ? 'FAILED · ' : '') + ev.title}), ' ',
        el('small', {text: when(ev.time) + ' · ' + tags.join(', ')}),
        el('pre', {class: 'output', text: ev.message}));
      li.dataset.text = (ev.title + ' ' + ev.message).toLowerCase();
      li.dataset.tags = tags.join(',');
      apply(li);
      ol.prepend(li);
      while (ol.children.length > 1000) ol.lastChild.remove();
    });
    main.dataset.loaded = 'true';
  }

  // --- builds

  async function builds() {
    const apps = await options('apps', (o) => o.name);
    const table = el('tbody');
    const log = el('pre', {id: 'build-log', class: 'log', tabindex: 0, 'aria-label': 'build log'});
    const status = el('p', {id: 'build-status', role: 'status'});
    async function refresh() {
      const rows = await get('/api/v1/builds/?limit=50');
      table.replaceChildren(...rows.objects.map((b) => el('tr', {'data-build': b.id}, el('td', {text: b.id}),
        el('td', {text: last(b.app)}), el('td', {text: b.tag}), el('td', {class: b.status === 'failed' ? 'failed' : '', text: b.status}),
        el('td', {text: when(b.start_time)}), el('td', {text: when(b.end_time)}))));
    }
    const startForm = form([{name: 'app', type: 'select', options: apps}, {name: 'tag'}], {}, 'Build', async (v) => {
      const made = await api('POST', '/api/v1/builds/', {app: v.app, tag: v.tag});
      const id = made.body && made.body.id ? made.body.id : last(made.location);
      const r = (await api('POST', '/api/v1/builds/' + id + '/build/', {})).body;
      log.replaceChildren();
      status.textContent = 'build ' + id + ' queued (trace ' + r.trace_id + ')';
      const es = stream('/api/streams/events/', (ev) => {
        if (ev.swarm_trace_id !== r.trace_id) return;
        log.append(ev.message + '\n');
        log.scrollTop = log.scrollHeight;
      });
      watchJob(r.trace_id, (job) => {
        status.textContent = 'build ' + id + ' ' + job.state + ': ' + (job.message || '');
        setTimeout(() => es.close(), 2000);
        refresh();
      });
      refresh();
    }, 'build');
    const uploadForm = form([{name: 'app', type: 'select', options: apps.map(([, n]) => [n, n])}, {name: 'tag'},
      {name: 'file', label: 'build (.tar.gz)', type: 'file'}, {name: 'md5', label: 'md5 (optional)', help: 'checked against the upload when given'}],
    {}, 'Upload', async (v) => {
      if (!v.file) throw new ApiError(400, {field: 'file', error: 'choose a file'});
      const q = new URLSearchParams({app: v.app || '', tag: v.tag});
      if (v.md5) q.set('md5', v.md5);
      const r = await api('POST', '/api/v1/builds/upload/?' + q, v.file, true);
      status.textContent = 'uploaded: build ' + r.body.id + ' (' + r.body.status + ')';
      refresh();
    }, 'upload');
    const [releases, hostNames] = await Promise.all([options('releases', (o) => o.compiled_name + ' (release ' + o.id + ')'),
      options('hosts', (o) => o.name)]);
    const deployStatus = el('p', {id: 'deploy-status', role: 'status'});
    const deployForm = form([{name: 'release', type: 'select', required: true, options: releases},
      {name: 'host', type: 'select', required: true, options: hostNames.map(([, n]) => [n, n])},
      {name: 'proc', label: 'proc name'}, {name: 'config_name', label: 'config name'},
      {name: 'port', type: 'number', help: '0 for a worker without a port'}], {}, 'Deploy', async (v) => {
      if (!v.release) throw new ApiError(400, {field: 'release', error: 'release: choose one (a build makes one through a swarm)'});
      const r = (await api('POST', v.release + 'deploy/', {host: v.host, proc: v.proc, config_name: v.config_name, port: v.port})).body;
      deployStatus.textContent = 'deploy queued (trace ' + r.trace_id + ')';
      watchJob(r.trace_id, (job) => { deployStatus.textContent = 'deploy ' + job.state + ': ' + (job.message || ''); });
    }, 'deploy');
    start('Builds', el('section', {'aria-labelledby': 'b-start'}, el('h2', {id: 'b-start', text: 'Start a build'}), startForm),
      status, log,
      el('section', {'aria-labelledby': 'b-up'}, el('h2', {id: 'b-up', text: 'Upload a prebuilt build'}), uploadForm),
      el('section', {'aria-labelledby': 'b-deploy'}, el('h2', {id: 'b-deploy', text: 'Deploy a release by hand'}), deployForm, deployStatus),
      el('h2', {text: 'Recent builds'}), el('table', {id: 'builds'}, el('thead', {}, el('tr', {},
        ['id', 'app', 'tag', 'status', 'started', 'ended'].map((t) => el('th', {scope: 'col', text: t})))), table));
    await refresh();
    main.dataset.loaded = 'true';
  }

  // --- test runs

  async function testruns() {
    const runs = (await get('/api/v1/testruns/?limit=10')).objects;
    start('Test runs', runs.length === 0 ? el('p', {class: 'muted', text: 'no test runs yet'}) : runs.map((r) => {
      const results = r.testresults || [];
      const failed = results.filter((x) => !x.passed);
      return el('section', {class: 'testrun', 'aria-label': 'test run ' + r.id},
        el('h2', {text: 'Run ' + r.id + ' · ' + when(r.start) + ' · ' + (results.length - failed.length) + '/' + results.length + ' passed'}),
        failed.length === 0 ? el('p', {class: 'ok', text: 'no failures'}) : el('ul', {}, failed.map((x) =>
          el('li', {class: 'failed'}, 'FAILED ' + x.hostname + ' ' + x.procname, el('pre', {text: x.results || ''})))));
    }));
    main.dataset.loaded = 'true';
  }

  // --- records: list, create, edit, delete

  const RECORDS = {
    apps: {key: 'name', cols: ['name', 'repo_url', 'repo_type', 'buildpack', 'stack'], fields: async () => [
      {name: 'name'}, {name: 'repo_url', label: 'repository URL'},
      {name: 'repo_type', label: 'repository type', type: 'select', required: true, options: [['git', 'git'], ['hg', 'hg']]},
      {name: 'buildpack', type: 'select', options: await options('buildpacks', (o) => o.repo_url)},
      {name: 'stack', type: 'select', options: await options('stacks', (o) => o.name)}]},
    buildpacks: {key: 'id', cols: ['id', 'repo_url', 'repo_type', 'order', 'desc'], fields: async () => [
      {name: 'repo_url', label: 'repository URL'},
      {name: 'repo_type', label: 'repository type', type: 'select', required: true, options: [['git', 'git'], ['hg', 'hg']]},
      {name: 'order', type: 'number', dflt: '0'}, {name: 'desc', label: 'description', type: 'textarea'}]},
    stacks: {key: 'name', cols: ['name', 'base_image_url', 'desc'], fields: async () => [
      {name: 'name'}, {name: 'base_image_url', label: 'base image URL'}, {name: 'desc', label: 'description', type: 'textarea'},
      {name: 'provisioning_script', label: 'provisioning script', type: 'textarea'}]},
    images: {key: 'name', cols: ['name', 'stack', 'active', 'file', 'base_image_url'], fields: async () => [
      {name: 'stack', type: 'select', options: await options('stacks', (o) => o.name)}, {name: 'name'},
      {name: 'base_image_url', label: 'base image URL'}, {name: 'active', type: 'checkbox'}]},
    squads: {key: 'name', cols: ['name', 'hosts'], fields: async () => [{name: 'name'}]},
    hosts: {key: 'name', cols: ['name', 'squad', 'active'], fields: async () => [
      {name: 'name'}, {name: 'squad', type: 'select', options: await options('squads', (o) => o.name)},
      {name: 'active', type: 'checkbox', dflt: true}]},
    ingredients: {key: 'id', cols: ['id', 'name', 'swarms'], fields: async () => [
      {name: 'name'}, {name: 'config_yaml', label: 'config (YAML)', type: 'textarea'},
      {name: 'env_yaml', label: 'env (YAML)', type: 'textarea'}]},
  };

  function cell(v) {
    if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? x.name || x.resource_uri : last(x))).join(', ');
    if (typeof v === 'string' && v.startsWith('/api/v1/')) return last(v);
    if (typeof v === 'boolean') return v ? 'yes' : 'no';
    return v ?? '';
  }

  async function records() {
    const kind = main.dataset.kind;
    const def = RECORDS[kind];
    const fields = await def.fields();
    const title = kind[0].toUpperCase() + kind.slice(1);
    const editor = el('section', {id: 'editor', 'aria-labelledby': 'editor-h'});
    const body = el('tbody');
    async function refresh() {
      const rows = await list('/api/v1/' + kind + '/');
      body.replaceChildren(...rows.map((o) => el('tr', {'data-record': String(o[def.key])},
        def.cols.map((c) => el('td', {text: cell(o[c])})),
        el('td', {class: 'actions'},
          el('button', {type: 'button', text: 'Edit', 'aria-label': 'Edit ' + o[def.key], onclick: () => edit(o)}),
          el('button', {type: 'button', text: 'Delete', 'aria-label': 'Delete ' + o[def.key], onclick: async () => {
            if (!confirm('Delete ' + kind.replace(/s$/, '') + ' ' + o[def.key] + '?')) return;
            try {
              await api('DELETE', o.resource_uri);
              live('deleted ' + o[def.key]);
              refresh();
            } catch (e) {
              editor.replaceChildren(errorBox(e));
            }
          }})))));
    }
    function edit(o) {
      const isNew = !o;
      // related fields come as URIs, which are the values of the form's options
      const values = Object.assign({}, o || {});
      editor.replaceChildren(el('h2', {id: 'editor-h', text: isNew ? 'New ' + kind.replace(/s$/, '') : 'Edit ' + o[def.key]}),
        form(fields, values, isNew ? 'Create' : 'Save', async (v) => {
          if (isNew) await api('POST', '/api/v1/' + kind + '/', v);
          else await api('PATCH', o.resource_uri, v);
          live((isNew ? 'created ' : 'saved ') + (v.name || ''));
          editor.replaceChildren();
          refresh();
        }),
        el('button', {type: 'button', text: 'Cancel', onclick: () => editor.replaceChildren()}));
      const first = editor.querySelector('input, select, textarea');
      if (first) first.focus();
    }
    start(title, el('p', {}, el('button', {type: 'button', id: 'new-record', text: 'New', onclick: () => edit(null)})), editor,
      el('table', {id: 'records'}, el('thead', {}, el('tr', {}, def.cols.map((c) => el('th', {scope: 'col', text: c})),
        el('th', {scope: 'col', text: 'actions'}))), body));
    await refresh();
    main.dataset.loaded = 'true';
  }

  const PAGES = {home, proc, swarms, swarm, events, builds, testruns, records};
  (PAGES[page] || (async () => start('Not found')))().catch((e) => {
    main.append(errorBox(e));
    main.dataset.loaded = 'error';
  });
})();
