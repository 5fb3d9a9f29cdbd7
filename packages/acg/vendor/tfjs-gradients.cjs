var oc = Object.defineProperty;
var kr = (t, e) => {
  for (var r in e) oc(t, r, { get: e[r], enumerable: !0 });
};
var ao = 'Acos',
  co = 'Acosh';
var lo = 'AddN';
var po = 'ArgMax',
  uo = 'ArgMin',
  fo = 'Asin',
  mo = 'Asinh',
  ho = 'Atan',
  go = 'Atanh',
  xo = 'Atan2',
  wo = 'AvgPool',
  yo = 'AvgPoolGrad',
  bo = 'AvgPool3D',
  So = 'AvgPool3DGrad',
  le = 'BatchMatMul',
  pe = 'BatchToSpaceND';
var ko = 'BroadcastTo';
var kt = 'Cast',
  Eo = 'Ceil',
  To = 'ClipByValue',
  vo = 'Complex',
  Io = 'ComplexAbs',
  ue = 'Concat',
  fe = 'Conv2D',
  Ao = 'Conv2DBackpropFilter',
  me = 'Conv2DBackpropInput',
  $o = 'Conv3D',
  No = 'Conv3DBackpropFilterV2',
  Do = 'Conv3DBackpropInputV2';
var he = 'Cosh',
  Go = 'Cumprod',
  de = 'Cumsum';
var Fo = 'DepthwiseConv2dNative',
  Co = 'DepthwiseConv2dNativeBackpropFilter',
  Mo = 'DepthwiseConv2dNativeBackpropInput';
var Bo = 'Dilation2D',
  Ro = 'Dilation2DBackpropInput',
  _o = 'Dilation2DBackpropFilter';
var ge = 'RealDiv';
var Po = 'EluGrad';
var Lo = 'Equal';
var xe = 'ExpandDims',
  Oo = 'Expm1';
var we = 'Floor',
  ye = 'FloorDiv',
  zo = 'FusedBatchNorm',
  be = 'GatherV2';
var Uo = 'Greater',
  Se = 'GreaterEqual',
  Et = 'Identity';
var qo = 'Imag',
  Wo = 'IsFinite',
  Ko = 'IsInf',
  Vo = 'IsNan',
  ke = 'LeakyRelu',
  Ho = 'Less',
  jo = 'LessEqual';
var Xo = 'Log1p',
  Jo = 'LogicalAnd',
  Zo = 'LogicalNot';
var Yo = 'LogSoftmax';
var Qo = 'LRNGrad';
var Ee = 'Maximum',
  tn = 'MaxPool',
  en = 'MaxPoolGrad',
  rn = 'MaxPool3D',
  on = 'MaxPool3DGrad';
var nn = 'Mean';
var sn = 'Minimum',
  an = 'MirrorPad';
var Te = 'Multiply';
var cn = 'OnesLike',
  ln = 'OneHot',
  ve = 'Pack',
  Ie = 'PadV2';
var Ae = 'Prelu',
  pn = 'Prod';
var un = 'Real',
  fn = 'Reciprocal',
  $e = 'Relu',
  Ne = 'Reshape',
  mn = 'ResizeNearestNeighbor',
  hn = 'ResizeNearestNeighborGrad',
  dn = 'ResizeBilinear',
  gn = 'ResizeBilinearGrad',
  De = 'Relu6',
  Ge = 'Reverse',
  xn = 'Round',
  Fe = 'Rsqrt';
var Ce = 'Select',
  wn = 'Selu',
  Me = 'Slice';
var Be = 'Sinh',
  yn = 'Sign',
  Re = 'Sigmoid',
  bn = 'Softplus',
  _e = 'Sqrt';
var Pe = 'SpaceToBatchND',
  Le = 'SplitV',
  Sn = 'Softmax';
var kn = 'SquaredDifference',
  En = 'Square';
var Tn = 'Tanh',
  Tt = 'Tile';
var vt = 'Transpose';
var Oe = 'Unpack',
  ze = 'UnsortedSegmentSum';
var Ue = 'ZerosLike',
  qe = 'Step';
var We = class {
  refCount(e) {
    return J('refCount');
  }
  incRef(e) {
    return J('incRef');
  }
  timerAvailable() {
    return !0;
  }
  time(e) {
    return J('time');
  }
  read(e) {
    return J('read');
  }
  readSync(e) {
    return J('readSync');
  }
  readToGPU(e, r) {
    return J('readToGPU');
  }
  numDataIds() {
    return J('numDataIds');
  }
  disposeData(e, r) {
    return J('disposeData');
  }
  write(e, r, o) {
    return J('write');
  }
  move(e, r, o, n, s) {
    return J('move');
  }
  createTensorFromGPUData(e, r, o) {
    return J('createTensorFromGPUData');
  }
  memory() {
    return J('memory');
  }
  floatPrecision() {
    return J('floatPrecision');
  }
  epsilon() {
    return this.floatPrecision() === 32 ? 1e-7 : 1e-4;
  }
  dispose() {
    return J('dispose');
  }
};
function J(t) {
  throw new Error(`'${t}' not yet implemented or not found in the registry. This kernel may not be supported by the tfjs backend you have chosen`);
}
function Lt(t, e, r) {
  return Math.max(t, Math.min(e, r));
}
function g(t, e) {
  if (!t) throw new Error(typeof e == 'string' ? e : e());
}
function vn(t, e, r = '') {
  g(Ot(t, e), () => r + ` Shapes ${t} and ${e} must match`);
}
function _(t) {
  if (t.length === 0) return 1;
  let e = t[0];
  for (let r = 1; r < t.length; r++) e *= t[r];
  return e;
}
function Ot(t, e) {
  if (t === e) return !0;
  if (t == null || e == null || t.length !== e.length) return !1;
  for (let r = 0; r < t.length; r++) if (t[r] !== e[r]) return !1;
  return !0;
}
function It(t) {
  return t % 1 === 0;
}
function At(t, e) {
  return e <= t.length ? t : t + ' '.repeat(e - t.length);
}
function Z(t, e) {
  let r = e.length;
  return (
    (t = t == null ? e.map((o, n) => n) : [].concat(t)),
    g(
      t.every((o) => o >= -r && o < r),
      () => `All values in axis param must be in range [-${r}, ${r}) but got axis ${t}`,
    ),
    g(
      t.every((o) => It(o)),
      () => `All values in axis param must be integers but got axis ${t}`,
    ),
    t.map((o) => (o < 0 ? r + o : o))
  );
}
function In(t, e) {
  for (let r = 0; r < t.length; r++) {
    let o = t[r];
    if (isNaN(o) || !isFinite(o)) throw Error(`A tensor of type ${e} being uploaded contains ${o}.`);
  }
}
function An(t) {
  return t === 'bool' || t === 'complex64' || t === 'float32' || t === 'int32' || t === 'string';
}
function zt(t) {
  if (t === 'float32' || t === 'int32') return 4;
  if (t === 'complex64') return 8;
  if (t === 'bool') return 1;
  throw new Error(`Unknown dtype ${t}`);
}
function $n(t) {
  if (t == null) return 0;
  let e = 0;
  return (t.forEach((r) => (e += r.length)), e);
}
function Ut(t) {
  return typeof t == 'string' || t instanceof String;
}
function nc(t) {
  return typeof t == 'boolean';
}
function sc(t) {
  return typeof t == 'number';
}
function qt(t) {
  return Array.isArray(t)
    ? qt(t[0])
    : t instanceof Float32Array
      ? 'float32'
      : t instanceof Int32Array || t instanceof Uint8Array || t instanceof Uint8ClampedArray
        ? 'int32'
        : sc(t)
          ? 'float32'
          : Ut(t)
            ? 'string'
            : nc(t)
              ? 'bool'
              : 'float32';
}
function Er(t) {
  return !!(t && t.constructor && t.call && t.apply);
}
function Wt(t, e) {
  for (let r = e; r < t; ++r) if (t % r === 0) return r;
  return t;
}
function ht(t) {
  let e = t.length;
  if (e < 2) return [];
  let r = new Array(e - 1);
  r[e - 2] = t[e - 1];
  for (let o = e - 3; o >= 0; --o) r[o] = r[o + 1] * t[o + 1];
  return r;
}
function Nn(t, e, r, o = !1) {
  let n = new Array();
  if (e.length === 1) {
    let s = e[0] * (o ? 2 : 1);
    for (let i = 0; i < s; i++) n[i] = r[t + i];
  } else {
    let s = e[0],
      i = e.slice(1),
      a = i.reduce((c, l) => c * l) * (o ? 2 : 1);
    for (let c = 0; c < s; c++) n[c] = Nn(t + c * a, i, r, o);
  }
  return n;
}
function Tr(t, e, r = !1) {
  if (t.length === 0) return e[0];
  let o = t.reduce((n, s) => n * s) * (r ? 2 : 1);
  if (o === 0) return [];
  if (o !== e.length) throw new Error(`[${t}] does not match the input size ${e.length}${r ? ' for a complex tensor' : ''}.`);
  return Nn(0, t, e, r);
}
function Ke(t, e) {
  let r = Kt(t, e);
  for (let o = 0; o < r.length; o++) r[o] = 1;
  return r;
}
function Kt(t, e) {
  if (e == null || e === 'float32' || e === 'complex64') return new Float32Array(t);
  if (e === 'int32') return new Int32Array(t);
  if (e === 'bool') return new Uint8Array(t);
  throw new Error(`Unknown data type ${e}`);
}
function dt(t) {
  t.forEach((e) => {
    g(Number.isInteger(e) && e >= 0, () => `Tensor must have a shape comprised of positive integers but got shape [${t}].`);
  });
}
function $t(t) {
  return t && t.then && typeof t.then == 'function';
}
var Dn = 'tfjsflags',
  Ve = class {
    constructor(e) {
      ((this.global = e), (this.flags = {}), (this.flagRegistry = {}), (this.urlFlags = {}), (this.getQueryParams = ac), this.populateURLFlags());
    }
    setPlatform(e, r) {
      (this.platform != null &&
        (I().getBool('IS_TEST') ||
          I().getBool('PROD') ||
          console.warn(`Platform ${this.platformName} has already been set. Overwriting the platform with ${e}.`)),
        (this.platformName = e),
        (this.platform = r));
    }
    registerFlag(e, r, o) {
      if (((this.flagRegistry[e] = { evaluationFn: r, setHook: o }), this.urlFlags[e] != null)) {
        let n = this.urlFlags[e];
        (I().getBool('IS_TEST') || I().getBool('PROD') || console.warn(`Setting feature override from URL ${e}: ${n}.`), this.set(e, n));
      }
    }
    async getAsync(e) {
      return e in this.flags ? this.flags[e] : ((this.flags[e] = await this.evaluateFlag(e)), this.flags[e]);
    }
    get(e) {
      if (e in this.flags) return this.flags[e];
      let r = this.evaluateFlag(e);
      if ($t(r)) throw new Error(`Flag ${e} cannot be synchronously evaluated. Please use getAsync() instead.`);
      return ((this.flags[e] = r), this.flags[e]);
    }
    getNumber(e) {
      return this.get(e);
    }
    getBool(e) {
      return this.get(e);
    }
    getString(e) {
      return this.get(e);
    }
    getFlags() {
      return this.flags;
    }
    get features() {
      return this.flags;
    }
    set(e, r) {
      if (this.flagRegistry[e] == null) throw new Error(`Cannot set flag ${e} as it has not been registered.`);
      ((this.flags[e] = r), this.flagRegistry[e].setHook != null && this.flagRegistry[e].setHook(r));
    }
    evaluateFlag(e) {
      if (this.flagRegistry[e] == null) throw new Error(`Cannot evaluate flag '${e}': no evaluation function found.`);
      return this.flagRegistry[e].evaluationFn();
    }
    setFlags(e) {
      this.flags = Object.assign({}, e);
    }
    reset() {
      ((this.flags = {}), (this.urlFlags = {}), this.populateURLFlags());
    }
    populateURLFlags() {
      if (typeof this.global > 'u' || typeof this.global.location > 'u' || typeof this.global.location.search > 'u') return;
      let e = this.getQueryParams(this.global.location.search);
      Dn in e &&
        e[Dn].split(',').forEach((o) => {
          let [n, s] = o.split(':');
          this.urlFlags[n] = lc(n, s);
        });
    }
  };
function ac(t) {
  let e = {};
  return (t.replace(/[?&]([^=?&]+)(?:=([^&]*))?/g, (r, ...o) => (cc(e, o[0], o[1]), o.join('='))), e);
}
function cc(t, e, r) {
  t[decodeURIComponent(e)] = decodeURIComponent(r || '');
}
function lc(t, e) {
  let r = e.toLowerCase();
  return r === 'true' || r === 'false' ? r === 'true' : `${+r}` === r ? +r : e;
}
function I() {
  return Gn;
}
var Gn = null;
function Fn(t) {
  Gn = t;
}
var vr;
function Ir() {
  if (vr == null) {
    let t;
    if (typeof window < 'u') t = window;
    else if (typeof global < 'u') t = global;
    else if (typeof process < 'u') t = process;
    else if (typeof self < 'u') t = self;
    else throw new Error('Could not find a global object');
    vr = t;
  }
  return vr;
}
function pc() {
  let t = Ir();
  return (t._tfGlobals == null && (t._tfGlobals = new Map()), t._tfGlobals);
}
function Vt(t, e) {
  let r = pc();
  if (r.has(t)) return r.get(t);
  {
    let o = e();
    return (r.set(t, o), r.get(t));
  }
}
function ct(...t) {
  I().getBool('IS_TEST') || I().getBool('PROD') || console.warn(...t);
}
function uc(...t) {
  I().getBool('IS_TEST') || I().getBool('PROD') || console.log(...t);
}
var Mn = Vt('kernelRegistry', () => new Map()),
  Ar = Vt('gradRegistry', () => new Map());
function $r(t, e) {
  let r = fc(t, e);
  return Mn.get(r);
}
function Nr(t) {
  return Ar.get(t);
}
function Dr(t) {
  let e = Mn.entries(),
    r = [];
  for (;;) {
    let { done: o, value: n } = e.next();
    if (o) break;
    let [s, i] = n,
      [a] = s.split('_');
    a === t && r.push(i);
  }
  return r;
}
function Bn(t) {
  let { kernelName: e } = t;
  (Ar.has(e) && I().getBool('DEBUG') && ct(`Overriding the gradient for '${e}'`), Ar.set(e, t));
}
function fc(t, e) {
  return `${e}_${t}`;
}
function Rn(t) {
  return t instanceof Float32Array || t instanceof Int32Array || t instanceof Uint8Array || t instanceof Uint8ClampedArray;
}
function mc(t, e) {
  return (t instanceof Float32Array && e === 'float32') || (t instanceof Int32Array && e === 'int32') || (t instanceof Uint8Array && e === 'bool');
}
function He(t, e) {
  if (e === 'string') throw new Error('Cannot convert a string[] to a TypedArray');
  if ((Array.isArray(t) && (t = yt(t)), I().getBool('DEBUG') && In(t, e), mc(t, e))) return t;
  if (e == null || e === 'float32' || e === 'complex64') return new Float32Array(t);
  if (e === 'int32') return new Int32Array(t);
  if (e === 'bool') {
    let r = new Uint8Array(t.length);
    for (let o = 0; o < r.length; ++o) Math.round(t[o]) !== 0 && (r[o] = 1);
    return r;
  } else throw new Error(`Unknown data type ${e}`);
}
function Nt() {
  return I().platform.now();
}
function je(t, e = 'utf-8') {
  return ((e = e || 'utf-8'), I().platform.encode(t, e));
}
function Ht(t, e = 'utf-8') {
  return ((e = e || 'utf-8'), I().platform.decode(t, e));
}
function q(t) {
  return I().platform.isTypedArray != null ? I().platform.isTypedArray(t) : Rn(t);
}
function yt(t, e = [], r = !1) {
  if ((e == null && (e = []), typeof t == 'boolean' || typeof t == 'number' || typeof t == 'string' || $t(t) || t == null || (q(t) && r))) e.push(t);
  else if (Array.isArray(t) || q(t)) for (let o = 0; o < t.length; ++o) yt(t[o], e, r);
  else {
    let o = -1;
    for (let n of Object.keys(t)) /^([1-9]+[0-9]*|0)$/.test(n) && (o = Math.max(o, Number(n)));
    for (let n = 0; n <= o; n++) yt(t[n], e, r);
  }
  return e;
}
var Xe = class {
  constructor(e, r) {
    ((this.backendTimer = e), (this.logger = r), r == null && (this.logger = new Gr()));
  }
  profileKernel(e, r, o) {
    let n,
      s = () => {
        n = o();
      },
      i,
      a = Nt();
    if (this.backendTimer.timerAvailable()) i = this.backendTimer.time(s);
    else {
      s();
      for (let l of n) l.dataSync();
      i = Promise.resolve({ kernelMs: Nt() - a });
    }
    if (I().getBool('CHECK_COMPUTATION_FOR_ERRORS'))
      for (let l = 0; l < n.length; l++) {
        let m = n[l];
        m.data().then((u) => {
          hc(u, m.dtype, e);
        });
      }
    return {
      kernelName: e,
      outputs: n,
      inputs: r,
      timeMs: i.then((l) => l.kernelMs),
      extraInfo: i.then((l) => (l.getExtraProfileInfo != null ? l.getExtraProfileInfo() : '')),
    };
  }
  logKernelProfile(e) {
    let { kernelName: r, outputs: o, timeMs: n, inputs: s, extraInfo: i } = e;
    o.forEach((a) => {
      Promise.all([a.data(), n, i]).then((c) => {
        this.logger.logKernelProfile(r, a, c[0], c[1], s, c[2]);
      });
    });
  }
};
function hc(t, e, r) {
  if (e !== 'float32') return !1;
  for (let o = 0; o < t.length; o++) {
    let n = t[o];
    if (isNaN(n) || !isFinite(n)) return (console.warn(`Found ${n} in the result of '${r}'`), !0);
  }
  return !1;
}
var Gr = class {
  logKernelProfile(e, r, o, n, s, i) {
    let a = typeof n == 'number' ? At(`${n}ms`, 9) : n.error,
      c = At(e, 25),
      l = r.rank,
      m = r.size,
      u = At(r.shape.toString(), 14),
      p = '';
    for (let x in s) {
      let b = s[x];
      if (b != null) {
        let k = b.shape || r.shape,
          T = k.length;
        p += `${x}: ${T}D ${T > 0 ? k : ''} `;
      }
    }
    console.log(
      `%c${c}	%c${a}	%c${l}D ${u}	%c${m}	%c${p}	%c${i}`,
      'font-weight:bold',
      'color:red',
      'color:blue',
      'color: orange',
      'color: green',
      'color: steelblue',
    );
  }
};
function _n(t, e, r) {
  let o = {},
    n = {};
  for (let c = 0; c < e.length; c++) o[e[c].id] = !0;
  for (let c = 0; c < t.length; c++) {
    let l = t[c],
      m = l.inputs;
    for (let u in m) {
      let p = m[u],
        x = !1;
      for (let b = 0; b < e.length; b++)
        if (o[p.id]) {
          (l.outputs.forEach((k) => (o[k.id] = !0)), (x = !0), (n[l.id] = !0));
          break;
        }
      if (x) break;
    }
  }
  let s = {};
  s[r.id] = !0;
  let i = {};
  for (let c = t.length - 1; c >= 0; c--) {
    let l = t[c],
      m = l.inputs;
    for (let u = 0; u < l.outputs.length; u++)
      if (s[l.outputs[u].id]) {
        for (let p in m) ((s[m[p].id] = !0), (i[l.id] = !0));
        break;
      }
  }
  let a = [];
  for (let c = 0; c < t.length; c++) {
    let l = t[c];
    if (n[l.id] && i[l.id]) {
      let m = {};
      for (let p in l.inputs) {
        let x = l.inputs[p];
        o[x.id] && (m[p] = x);
      }
      let u = Object.assign({}, l);
      ((u.inputs = m), (u.outputs = l.outputs), a.push(u));
    }
  }
  return a;
}
function Pn(t, e, r, o) {
  for (let n = e.length - 1; n >= 0; n--) {
    let s = e[n],
      i = [];
    if (
      (s.outputs.forEach((c) => {
        let l = t[c.id];
        l != null ? i.push(l) : i.push(null);
      }),
      s.gradient == null)
    )
      throw new Error(`Cannot compute gradient: gradient function not found for ${s.kernelName}.`);
    let a = s.gradient(i);
    for (let c in s.inputs) {
      if (!(c in a)) throw new Error(`Cannot backprop through input ${c}. Available gradients found: ${Object.keys(a)}.`);
      let l = r(() => a[c]());
      if (l.dtype !== 'float32')
        throw new Error(`Error in gradient for op ${s.kernelName}. The gradient of input ${c} must have 'float32' dtype, but has '${l.dtype}'`);
      let m = s.inputs[c];
      if (!Ot(l.shape, m.shape))
        throw new Error(
          `Error in gradient for op ${s.kernelName}. The gradient of input '${c}' has shape '${l.shape}', which does not match the shape of the input '${m.shape}'`,
        );
      if (t[m.id] == null) t[m.id] = l;
      else {
        let u = t[m.id];
        ((t[m.id] = o(u, l)), u.dispose());
      }
    }
  }
}
var Ln = 20,
  jt = 3,
  Fr = 7;
function On(t, e, r, o) {
  let n = ht(e),
    s = dc(t, e, r, n),
    i = e.length,
    a = Je(t, e, r, n, s),
    c = ['Tensor'];
  return (
    o && (c.push(`  dtype: ${r}`), c.push(`  rank: ${i}`), c.push(`  shape: [${e}]`), c.push('  values:')),
    c.push(
      a.map((l) => '    ' + l).join(`
`),
    ),
    c.join(`
`)
  );
}
function dc(t, e, r, o) {
  let n = _(e),
    s = o[o.length - 1],
    i = new Array(s).fill(0),
    a = e.length,
    c = r === 'complex64' ? Jt(t) : t;
  if (a > 1)
    for (let l = 0; l < n / s; l++) {
      let m = l * s;
      for (let u = 0; u < s; u++) i[u] = Math.max(i[u], Xt(c[m + u], 0, r).length);
    }
  return i;
}
function Xt(t, e, r) {
  let o;
  return (
    Array.isArray(t)
      ? (o = `${parseFloat(t[0].toFixed(Fr))} + ${parseFloat(t[1].toFixed(Fr))}j`)
      : Ut(t)
        ? (o = `'${t}'`)
        : r === 'bool'
          ? (o = zn(t))
          : (o = parseFloat(t.toFixed(Fr)).toString()),
    At(o, e)
  );
}
function zn(t) {
  return t === 0 ? 'false' : 'true';
}
function Je(t, e, r, o, n, s = !0) {
  let i = r === 'complex64' ? 2 : 1,
    a = e[0],
    c = e.length;
  if (c === 0) {
    if (r === 'complex64') {
      let k = Jt(t);
      return [Xt(k[0], 0, r)];
    }
    return r === 'bool' ? [zn(t[0])] : [t[0].toString()];
  }
  if (c === 1) {
    if (a > Ln) {
      let T = jt * i,
        N = Array.from(t.slice(0, T)),
        U = Array.from(t.slice((a - jt) * i, a * i));
      return (
        r === 'complex64' && ((N = Jt(N)), (U = Jt(U))),
        ['[' + N.map((S, v) => Xt(S, n[v], r)).join(', ') + ', ..., ' + U.map((S, v) => Xt(S, n[a - jt + v], r)).join(', ') + ']']
      );
    }
    return ['[' + (r === 'complex64' ? Jt(t) : Array.from(t)).map((T, N) => Xt(T, n[N], r)).join(', ') + ']'];
  }
  let l = e.slice(1),
    m = o.slice(1),
    u = o[0] * i,
    p = [];
  if (a > Ln) {
    for (let k = 0; k < jt; k++) {
      let T = k * u,
        N = T + u;
      p.push(...Je(t.slice(T, N), l, r, m, n, !1));
    }
    p.push('...');
    for (let k = a - jt; k < a; k++) {
      let T = k * u,
        N = T + u;
      p.push(...Je(t.slice(T, N), l, r, m, n, k === a - 1));
    }
  } else
    for (let k = 0; k < a; k++) {
      let T = k * u,
        N = T + u;
      p.push(...Je(t.slice(T, N), l, r, m, n, k === a - 1));
    }
  let x = c === 2 ? ',' : '';
  p[0] = '[' + (a > 0 ? p[0] + x : '');
  for (let k = 1; k < p.length - 1; k++) p[k] = ' ' + p[k] + x;
  let b = `,
`;
  for (let k = 2; k < c; k++)
    b += `
`;
  return ((p[p.length - 1] = ' ' + p[p.length - 1] + ']' + (s ? '' : b)), p);
}
function Jt(t) {
  let e = [];
  for (let r = 0; r < t.length; r += 2) e.push([t[r], t[r + 1]]);
  return e;
}
var ot = null,
  Zt = null,
  gc = null;
function Un(t) {
  ot = t;
}
function qn(t) {
  gc = t;
}
var W = class {
  constructor(e, r, o, n) {
    ((this.kept = !1),
      (this.isDisposedInternal = !1),
      (this.shape = e.slice()),
      (this.dtype = r || 'float32'),
      (this.size = _(e)),
      (this.strides = ht(e)),
      (this.dataId = o),
      (this.id = n),
      (this.rankType = this.rank < 5 ? this.rank.toString() : 'higher'));
  }
  get rank() {
    return this.shape.length;
  }
  async buffer() {
    let e = await this.data();
    return Zt.buffer(this.shape, this.dtype, e);
  }
  bufferSync() {
    return Zt.buffer(this.shape, this.dtype, this.dataSync());
  }
  async array() {
    let e = await this.data();
    return Tr(this.shape, e, this.dtype === 'complex64');
  }
  arraySync() {
    return Tr(this.shape, this.dataSync(), this.dtype === 'complex64');
  }
  async data() {
    this.throwIfDisposed();
    let e = ot().read(this.dataId);
    if (this.dtype === 'string') {
      let r = await e;
      try {
        return r.map((o) => Ht(o));
      } catch {
        throw new Error('Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().');
      }
    }
    return e;
  }
  dataToGPU(e) {
    return (this.throwIfDisposed(), ot().readToGPU(this.dataId, e));
  }
  dataSync() {
    this.throwIfDisposed();
    let e = ot().readSync(this.dataId);
    if (this.dtype === 'string')
      try {
        return e.map((r) => Ht(r));
      } catch {
        throw new Error('Failed to decode the string bytes into utf-8. To get the original bytes, call tensor.bytes().');
      }
    return e;
  }
  async bytes() {
    this.throwIfDisposed();
    let e = await ot().read(this.dataId);
    return this.dtype === 'string' ? e : new Uint8Array(e.buffer);
  }
  dispose() {
    this.isDisposed || (this.kerasMask && this.kerasMask.dispose(), ot().disposeTensor(this), (this.isDisposedInternal = !0));
  }
  get isDisposed() {
    return this.isDisposedInternal;
  }
  throwIfDisposed() {
    if (this.isDisposed) throw new Error('Tensor is disposed.');
  }
  print(e = !1) {
    return Zt.print(this, e);
  }
  clone() {
    return (this.throwIfDisposed(), Zt.clone(this));
  }
  toString(e = !1) {
    let r = this.dataSync();
    return On(r, this.shape, this.dtype, e);
  }
  cast(e) {
    return (this.throwIfDisposed(), Zt.cast(this, e));
  }
  variable(e = !0, r, o) {
    return (this.throwIfDisposed(), ot().makeVariable(this, e, r, o));
  }
};
Object.defineProperty(W, Symbol.hasInstance, { value: (t) => !!t && t.data != null && t.dataSync != null && t.throwIfDisposed != null });
function Cr() {
  return Vt('Tensor', () => W);
}
Cr();
var bt = class extends W {
  constructor(e, r, o, n) {
    (super(e.shape, e.dtype, e.dataId, n), (this.trainable = r), (this.name = o));
  }
  assign(e) {
    if (e.dtype !== this.dtype) throw new Error(`dtype of the new value (${e.dtype}) and previous value (${this.dtype}) must match`);
    if (!Ot(e.shape, this.shape)) throw new Error(`shape of the new value (${e.shape}) and previous value (${this.shape}) must match`);
    (ot().disposeTensor(this), (this.dataId = e.dataId), ot().incRef(this, null));
  }
  dispose() {
    (ot().disposeVariable(this), (this.isDisposedInternal = !0));
  }
};
Object.defineProperty(bt, Symbol.hasInstance, { value: (t) => t instanceof W && t.assign != null && t.assign instanceof Function });
var Wn;
(function (t) {
  ((t.R0 = 'R0'), (t.R1 = 'R1'), (t.R2 = 'R2'), (t.R3 = 'R3'), (t.R4 = 'R4'), (t.R5 = 'R5'), (t.R6 = 'R6'));
})(Wn || (Wn = {}));
var Mr;
(function (t) {
  ((t.float32 = 'float32'), (t.int32 = 'int32'), (t.bool = 'int32'), (t.complex64 = 'complex64'));
})(Mr || (Mr = {}));
var Br;
(function (t) {
  ((t.float32 = 'float32'), (t.int32 = 'int32'), (t.bool = 'bool'), (t.complex64 = 'complex64'));
})(Br || (Br = {}));
var Rr;
(function (t) {
  ((t.float32 = 'float32'), (t.int32 = 'float32'), (t.bool = 'float32'), (t.complex64 = 'complex64'));
})(Rr || (Rr = {}));
var _r;
(function (t) {
  ((t.float32 = 'complex64'), (t.int32 = 'complex64'), (t.bool = 'complex64'), (t.complex64 = 'complex64'));
})(_r || (_r = {}));
var xc = { float32: Rr, int32: Mr, bool: Br, complex64: _r };
function Ze(t, e) {
  if (t === 'string' || e === 'string') {
    if (t === 'string' && e === 'string') return 'string';
    throw new Error(`Can not upcast ${t} with ${e}`);
  }
  return xc[t][e];
}
function Ye(t) {
  return t != null && typeof t == 'object' && 'texture' in t && t.texture instanceof WebGLTexture;
}
function Qe(t) {
  return typeof GPUBuffer < 'u' && t != null && typeof t == 'object' && 'buffer' in t && t.buffer instanceof GPUBuffer;
}
function P(t, e) {
  if (t.dtype === e.dtype) return [t, e];
  let r = Ze(t.dtype, e.dtype);
  return [t.cast(r), e.cast(r)];
}
function Kn(t) {
  let e = [];
  return (Vn(t, e, new Set()), e);
}
function Vn(t, e, r) {
  if (t == null) return;
  if (t instanceof W) {
    e.push(t);
    return;
  }
  if (!wc(t)) return;
  let o = t;
  for (let n in o) {
    let s = o[n];
    r.has(s) || (r.add(s), Vn(s, e, r));
  }
}
function wc(t) {
  return Array.isArray(t) || typeof t == 'object';
}
function Pr(t) {
  return t.kernelName != null;
}
var tr = class {
    constructor() {
      ((this.registeredVariables = {}),
        (this.nextTapeNodeId = 0),
        (this.numBytes = 0),
        (this.numTensors = 0),
        (this.numStringTensors = 0),
        (this.numDataBuffers = 0),
        (this.gradientDepth = 0),
        (this.kernelDepth = 0),
        (this.scopeStack = []),
        (this.numDataMovesStack = []),
        (this.nextScopeId = 0),
        (this.tensorInfo = new WeakMap()),
        (this.profiling = !1),
        (this.activeProfile = {
          newBytes: 0,
          newTensors: 0,
          peakBytes: 0,
          kernels: [],
          result: null,
          get kernelNames() {
            return Array.from(new Set(this.kernels.map((e) => e.name)));
          },
        }));
    }
    dispose() {
      for (let e in this.registeredVariables) this.registeredVariables[e].dispose();
    }
  },
  Yt = class t {
    constructor(e) {
      ((this.ENV = e), (this.registry = {}), (this.registryFactory = {}), (this.pendingBackendInitId = 0), (this.state = new tr()));
    }
    async ready() {
      if (this.pendingBackendInit != null) return this.pendingBackendInit.then(() => {});
      if (this.backendInstance != null) return;
      let e = this.getSortedBackends();
      for (let r = 0; r < e.length; r++) {
        let o = e[r];
        if (await this.initializeBackend(o).success) {
          await this.setBackend(o);
          return;
        }
      }
      throw new Error('Could not initialize any backends, all backend initializations failed.');
    }
    get backend() {
      if (this.pendingBackendInit != null)
        throw new Error(
          `Backend '${this.backendName}' has not yet been initialized. Make sure to await tf.ready() or await tf.setBackend() before calling other methods`,
        );
      if (this.backendInstance == null) {
        let { name: e, asyncInit: r } = this.initializeBackendsAndReturnBest();
        if (r)
          throw new Error(
            `The highest priority backend '${e}' has not yet been initialized. Make sure to await tf.ready() or await tf.setBackend() before calling other methods`,
          );
        this.setBackend(e);
      }
      return this.backendInstance;
    }
    backendNames() {
      return Object.keys(this.registryFactory);
    }
    findBackend(e) {
      if (!(e in this.registry))
        if (e in this.registryFactory) {
          let { asyncInit: r } = this.initializeBackend(e);
          if (r) return null;
        } else return null;
      return this.registry[e];
    }
    findBackendFactory(e) {
      return e in this.registryFactory ? this.registryFactory[e].factory : null;
    }
    registerBackend(e, r, o = 1) {
      return e in this.registryFactory
        ? (ct(`${e} backend was already registered. Reusing existing backend factory.`), !1)
        : ((this.registryFactory[e] = { factory: r, priority: o }), !0);
    }
    async setBackend(e) {
      if (this.registryFactory[e] == null) throw new Error(`Backend name '${e}' not found in registry`);
      if (((this.backendName = e), this.registry[e] == null)) {
        this.backendInstance = null;
        let { success: r, asyncInit: o } = this.initializeBackend(e);
        if (!(o ? await r : r)) return !1;
      }
      return ((this.backendInstance = this.registry[e]), this.setupRegisteredKernels(), (this.profiler = new Xe(this.backendInstance)), !0);
    }
    setupRegisteredKernels() {
      Dr(this.backendName).forEach((r) => {
        r.setupFunc != null && r.setupFunc(this.backendInstance);
      });
    }
    disposeRegisteredKernels(e) {
      Dr(e).forEach((o) => {
        o.disposeFunc != null && o.disposeFunc(this.registry[e]);
      });
    }
    initializeBackend(e) {
      let r = this.registryFactory[e];
      if (r == null) throw new Error(`Cannot initialize backend ${e}, no registration found.`);
      try {
        let o = r.factory();
        if (o && !(o instanceof We) && typeof o.then == 'function') {
          let n = ++this.pendingBackendInitId,
            s = o
              .then((i) => (n < this.pendingBackendInitId ? !1 : ((this.registry[e] = i), (this.pendingBackendInit = null), !0)))
              .catch(
                (i) => (
                  n < this.pendingBackendInitId || ((this.pendingBackendInit = null), ct(`Initialization of backend ${e} failed`), ct(i.stack || i.message)),
                  !1
                ),
              );
          return ((this.pendingBackendInit = s), { success: s, asyncInit: !0 });
        } else return ((this.registry[e] = o), { success: !0, asyncInit: !1 });
      } catch (o) {
        return (ct(`Initialization of backend ${e} failed`), ct(o.stack || o.message), { success: !1, asyncInit: !1 });
      }
    }
    removeBackend(e) {
      if (!(e in this.registryFactory)) throw new Error(`${e} backend not found in registry`);
      (this.backendName === e && this.pendingBackendInit != null && this.pendingBackendInitId++,
        e in this.registry && (this.disposeRegisteredKernels(e), this.registry[e].dispose(), delete this.registry[e]),
        delete this.registryFactory[e],
        this.backendName === e && ((this.pendingBackendInit = null), (this.backendName = null), (this.backendInstance = null)));
    }
    getSortedBackends() {
      if (Object.keys(this.registryFactory).length === 0) throw new Error('No backend found in registry.');
      return Object.keys(this.registryFactory).sort((e, r) => this.registryFactory[r].priority - this.registryFactory[e].priority);
    }
    initializeBackendsAndReturnBest() {
      let e = this.getSortedBackends();
      for (let r = 0; r < e.length; r++) {
        let o = e[r],
          { success: n, asyncInit: s } = this.initializeBackend(o);
        if (s || n) return { name: o, asyncInit: s };
      }
      throw new Error('Could not initialize any backends, all backend initializations failed.');
    }
    moveData(e, r) {
      let o = this.state.tensorInfo.get(r),
        n = o.backend,
        s = this.readSync(r),
        i = n.refCount(r);
      (n.disposeData(r, !0),
        (o.backend = e),
        e.move(r, s, o.shape, o.dtype, i),
        this.shouldCheckForMemLeaks() && this.state.numDataMovesStack[this.state.numDataMovesStack.length - 1]++);
    }
    tidy(e, r) {
      let o = null;
      if (r == null) {
        if (typeof e != 'function') throw new Error('Please provide a function to tidy()');
        r = e;
      } else {
        if (typeof e != 'string' && !(e instanceof String)) throw new Error('When calling with two arguments, the first argument to tidy() must be a string');
        if (typeof r != 'function') throw new Error('When calling with two arguments, the 2nd argument to tidy() must be a function');
        o = e;
      }
      let n;
      return this.scopedRun(
        () => this.startScope(o),
        () => this.endScope(n),
        () => ((n = r()), n instanceof Promise && console.error('Cannot return a Promise inside of tidy.'), n),
      );
    }
    scopedRun(e, r, o) {
      e();
      try {
        let n = o();
        return (r(), n);
      } catch (n) {
        throw (r(), n);
      }
    }
    nextTensorId() {
      return t.nextTensorId++;
    }
    nextVariableId() {
      return t.nextVariableId++;
    }
    clone(e) {
      let r = f.runKernel(Et, { x: e }),
        o = { x: e },
        n = (i) => ({
          x: () => {
            let a = 'float32',
              c = { x: i },
              l = { dtype: a };
            return f.runKernel(kt, c, l);
          },
        }),
        s = [];
      return (this.addTapeNode(this.state.activeScope.name, o, [r], n, s, {}), r);
    }
    runKernel(e, r, o) {
      if ((this.backendName == null && this.backend, !($r(e, this.backendName) != null)))
        throw new Error(`Kernel '${e}' not registered for backend '${this.backendName}'`);
      return this.runKernelFunc({ kernelName: e, inputs: r, attrs: o });
    }
    shouldCheckForMemLeaks() {
      return this.ENV.getBool('IS_TEST');
    }
    checkKernelForMemLeak(e, r, o) {
      let n = this.backend.numDataIds(),
        s = 0;
      o.forEach((c) => {
        s += c.dtype === 'complex64' ? 3 : 1;
      });
      let i = this.state.numDataMovesStack[this.state.numDataMovesStack.length - 1],
        a = n - r - s - i;
      if (a > 0) throw new Error(`Backend '${this.backendName}' has an internal memory leak (${a} data ids) after running '${e}'`);
    }
    runKernelFunc(e) {
      let r,
        o = [],
        n = this.isTapeOn(),
        s = this.state.numBytes,
        i = this.state.numTensors;
      this.shouldCheckForMemLeaks() && this.state.numDataMovesStack.push(0);
      let a;
      this.backendName == null && this.backend;
      let c,
        l = Pr(e) ? e.kernelName : this.state.activeScope != null ? this.state.activeScope.name : '';
      if (Pr(e)) {
        let { kernelName: b, inputs: k, attrs: T } = e;
        this.backendName == null && this.backend;
        let N = $r(b, this.backendName);
        (g(N != null, () => `Cannot find registered kernel '${b}' for backend '${this.backendName}'`),
          (a = () => {
            let U = this.backend.numDataIds();
            c = N.kernelFunc({ inputs: k, attrs: T, backend: this.backend });
            let S = Array.isArray(c) ? c : [c];
            this.shouldCheckForMemLeaks() && this.checkKernelForMemLeak(b, U, S);
            let v = S.map((M) => (M.rank != null ? M : this.makeTensorFromTensorInfo(M)));
            if (n) {
              let M = this.getTensorsForGradient(b, k, v);
              o = this.saveTensorsForBackwardMode(M);
            }
            return v;
          }));
      } else {
        let { forwardFunc: b } = e,
          k = (T) => {
            n && (o = T.map((N) => this.keep(this.clone(N))));
          };
        a = () => {
          let T = this.backend.numDataIds();
          c = this.tidy(() => b(this.backend, k));
          let N = Array.isArray(c) ? c : [c];
          return (this.shouldCheckForMemLeaks() && this.checkKernelForMemLeak(l, T, N), N);
        };
      }
      let { inputs: m, attrs: u } = e,
        p = Pr(e) ? null : e.backwardsFunc,
        x;
      return (
        this.scopedRun(
          () => this.state.kernelDepth++,
          () => this.state.kernelDepth--,
          () => {
            !this.ENV.getBool('DEBUG') && !this.state.profiling
              ? (r = a())
              : ((x = this.profiler.profileKernel(l, m, () => a())), this.ENV.getBool('DEBUG') && this.profiler.logKernelProfile(x), (r = x.outputs));
          },
        ),
        n && this.addTapeNode(l, m, r, p, o, u),
        this.state.profiling &&
          this.state.activeProfile.kernels.push({
            name: l,
            bytesAdded: this.state.numBytes - s,
            totalBytesSnapshot: this.state.numBytes,
            tensorsAdded: this.state.numTensors - i,
            totalTensorsSnapshot: this.state.numTensors,
            inputShapes: Object.keys(m).map((b) => (m[b] != null ? m[b].shape : null)),
            outputShapes: r.map((b) => b.shape),
            kernelTimeMs: x.timeMs,
            extraInfo: x.extraInfo,
          }),
        Array.isArray(c) ? r : r[0]
      );
    }
    saveTensorsForBackwardMode(e) {
      return e.map((o) => this.keep(this.clone(o)));
    }
    getTensorsForGradient(e, r, o) {
      let n = Nr(e);
      if (n != null) {
        let s = n.inputsToSave || [],
          i = n.outputsToSave || [],
          a;
        n.saveAllInputs
          ? (g(Array.isArray(r), () => 'saveAllInputs is true, expected inputs to be an array.'), (a = Object.keys(r).map((l) => r[l])))
          : (a = s.map((l) => r[l]));
        let c = o.filter((l, m) => i[m]);
        return a.concat(c);
      }
      return [];
    }
    makeTensor(e, r, o, n) {
      if (e == null) throw new Error('Values passed to engine.makeTensor() are null');
      ((o = o || 'float32'), (n = n || this.backend));
      let s = e;
      o === 'string' && Ut(e[0]) && (s = e.map((c) => je(c)));
      let i = n.write(s, r, o),
        a = new W(r, o, i, this.nextTensorId());
      if ((this.trackTensor(a, n), o === 'string')) {
        let c = this.state.tensorInfo.get(i),
          l = $n(s);
        ((this.state.numBytes += l - c.bytes), (c.bytes = l));
      }
      return a;
    }
    makeTensorFromDataId(e, r, o, n) {
      o = o || 'float32';
      let s = { dataId: e, shape: r, dtype: o };
      return this.makeTensorFromTensorInfo(s, n);
    }
    makeTensorFromTensorInfo(e, r) {
      let { dataId: o, shape: n, dtype: s } = e,
        i = new W(n, s, o, this.nextTensorId());
      return (this.trackTensor(i, r), i);
    }
    makeVariable(e, r = !0, o, n) {
      ((o = o || this.nextVariableId().toString()), n != null && n !== e.dtype && (e = e.cast(n)));
      let s = new bt(e, r, o, this.nextTensorId());
      if (this.state.registeredVariables[s.name] != null) throw new Error(`Variable with name ${s.name} was already registered`);
      return ((this.state.registeredVariables[s.name] = s), this.incRef(s, this.backend), s);
    }
    trackTensor(e, r) {
      (this.state.numTensors++, e.dtype === 'string' && this.state.numStringTensors++);
      let o = 0;
      (e.dtype !== 'complex64' && e.dtype !== 'string' && (o = e.size * zt(e.dtype)),
        (this.state.numBytes += o),
        this.state.tensorInfo.has(e.dataId) ||
          (this.state.numDataBuffers++, this.state.tensorInfo.set(e.dataId, { backend: r || this.backend, dtype: e.dtype, shape: e.shape, bytes: o })),
        e instanceof bt || this.track(e));
    }
    incRef(e, r) {
      (this.trackTensor(e, r), this.backend.incRef(e.dataId));
    }
    removeDataId(e, r) {
      this.state.tensorInfo.has(e) && this.state.tensorInfo.get(e).backend === r && (this.state.tensorInfo.delete(e), this.state.numDataBuffers--);
    }
    disposeTensor(e) {
      if (!this.state.tensorInfo.has(e.dataId)) return;
      let r = this.state.tensorInfo.get(e.dataId);
      if (
        (this.state.numTensors--,
        e.dtype === 'string' && (this.state.numStringTensors--, (this.state.numBytes -= r.bytes)),
        e.dtype !== 'complex64' && e.dtype !== 'string')
      ) {
        let o = e.size * zt(e.dtype);
        this.state.numBytes -= o;
      }
      r.backend.disposeData(e.dataId) && this.removeDataId(e.dataId, r.backend);
    }
    disposeVariables() {
      for (let e in this.state.registeredVariables) {
        let r = this.state.registeredVariables[e];
        this.disposeVariable(r);
      }
    }
    disposeVariable(e) {
      (this.disposeTensor(e), this.state.registeredVariables[e.name] != null && delete this.state.registeredVariables[e.name]);
    }
    memory() {
      let e = this.backend.memory();
      return (
        (e.numTensors = this.state.numTensors),
        (e.numDataBuffers = this.state.numDataBuffers),
        (e.numBytes = this.state.numBytes),
        this.state.numStringTensors > 0 &&
          ((e.unreliable = !0), e.reasons == null && (e.reasons = []), e.reasons.push('Memory usage by string tensors is approximate (2 bytes per character)')),
        e
      );
    }
    async profile(e) {
      this.state.profiling = !0;
      let r = this.state.numBytes,
        o = this.state.numTensors;
      ((this.state.activeProfile.kernels = []),
        (this.state.activeProfile.result = await e()),
        (this.state.profiling = !1),
        (this.state.activeProfile.peakBytes = Math.max(...this.state.activeProfile.kernels.map((n) => n.totalBytesSnapshot))),
        (this.state.activeProfile.newBytes = this.state.numBytes - r),
        (this.state.activeProfile.newTensors = this.state.numTensors - o));
      for (let n of this.state.activeProfile.kernels) ((n.kernelTimeMs = await n.kernelTimeMs), (n.extraInfo = await n.extraInfo));
      return this.state.activeProfile;
    }
    isTapeOn() {
      return this.state.gradientDepth > 0 && this.state.kernelDepth === 0;
    }
    addTapeNode(e, r, o, n, s, i) {
      let a = { id: this.state.nextTapeNodeId++, kernelName: e, inputs: r, outputs: o, saved: s },
        c = Nr(e);
      (c != null && (n = c.gradFunc),
        n != null &&
          (a.gradient = (l) => (
            (l = l.map((m, u) => {
              if (m == null) {
                let p = o[u],
                  x = Kt(p.size, p.dtype);
                return this.makeTensor(x, p.shape, p.dtype);
              }
              return m;
            })),
            n(l.length > 1 ? l : l[0], s, i)
          )),
        this.state.activeTape.push(a));
    }
    keep(e) {
      return ((e.kept = !0), e);
    }
    startTape() {
      (this.state.gradientDepth === 0 && (this.state.activeTape = []), this.state.gradientDepth++);
    }
    endTape() {
      this.state.gradientDepth--;
    }
    startScope(e) {
      let r = { track: [], name: 'unnamed scope', id: this.state.nextScopeId++ };
      (e && (r.name = e), this.state.scopeStack.push(r), (this.state.activeScope = r));
    }
    endScope(e) {
      let r = Kn(e),
        o = new Set(r.map((s) => s.id));
      for (let s = 0; s < this.state.activeScope.track.length; s++) {
        let i = this.state.activeScope.track[s];
        !i.kept && !o.has(i.id) && i.dispose();
      }
      let n = this.state.scopeStack.pop();
      ((this.state.activeScope = this.state.scopeStack.length === 0 ? null : this.state.scopeStack[this.state.scopeStack.length - 1]),
        r.forEach((s) => {
          !s.kept && s.scopeId === n.id && this.track(s);
        }));
    }
    gradients(e, r, o, n = !1) {
      if ((g(r.length > 0, () => 'gradients() received an empty list of xs.'), o != null && o.dtype !== 'float32'))
        throw new Error(`dy must have 'float32' dtype, but has '${o.dtype}'`);
      let s = this.scopedRun(
        () => this.startTape(),
        () => this.endTape(),
        () => this.tidy('forward', e),
      );
      g(s instanceof W, () => 'The result y returned by f() must be a tensor.');
      let i = _n(this.state.activeTape, r, s);
      if (!n && i.length === 0 && r.length > 0)
        throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
      return this.tidy('backward', () => {
        let a = {};
        ((a[s.id] = o ?? yc(s.shape)), Pn(a, i, (l) => this.tidy(l), Sc));
        let c = r.map((l) => a[l.id]);
        return (
          this.state.gradientDepth === 0 &&
            (this.state.activeTape.forEach((l) => {
              for (let m of l.saved) m.dispose();
            }),
            (this.state.activeTape = null)),
          { value: s, grads: c }
        );
      });
    }
    customGrad(e) {
      return (
        g(Er(e), () => 'The f passed in customGrad(f) must be a function.'),
        (...r) => {
          g(
            r.every((a) => a instanceof W),
            () => 'The args passed in customGrad(f)(x1, x2,...) must all be tensors',
          );
          let o,
            n = {};
          r.forEach((a, c) => {
            n[c] = a;
          });
          let s = (a, c) => (
              (o = e(...r, c)),
              g(o.value instanceof W, () => 'The function f passed in customGrad(f) must return an object where `obj.value` is a tensor'),
              g(Er(o.gradFunc), () => 'The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function.'),
              o.value
            ),
            i = (a, c) => {
              let l = o.gradFunc(a, c),
                m = Array.isArray(l) ? l : [l];
              (g(
                m.length === r.length,
                () =>
                  'The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function that returns the same number of tensors as inputs passed to f(...).',
              ),
                g(
                  m.every((p) => p instanceof W),
                  () => 'The function f passed in customGrad(f) must return an object where `obj.gradFunc` is a function that returns a list of only tensors.',
                ));
              let u = {};
              return (
                m.forEach((p, x) => {
                  u[x] = () => p;
                }),
                u
              );
            };
          return this.runKernelFunc({ forwardFunc: s, backwardsFunc: i, inputs: n });
        }
      );
    }
    readSync(e) {
      return this.state.tensorInfo.get(e).backend.readSync(e);
    }
    read(e) {
      return this.state.tensorInfo.get(e).backend.read(e);
    }
    readToGPU(e, r) {
      return this.state.tensorInfo.get(e).backend.readToGPU(e, r);
    }
    async time(e) {
      let r = Nt(),
        o = await this.backend.time(e);
      return ((o.wallMs = Nt() - r), o);
    }
    track(e) {
      return (this.state.activeScope != null && ((e.scopeId = this.state.activeScope.id), this.state.activeScope.track.push(e)), e);
    }
    get registeredVariables() {
      return this.state.registeredVariables;
    }
    reset() {
      (this.pendingBackendInitId++, this.state.dispose(), this.ENV.reset(), (this.state = new tr()));
      for (let e in this.registry) (this.disposeRegisteredKernels(e), this.registry[e].dispose(), delete this.registry[e]);
      ((this.backendName = null), (this.backendInstance = null), (this.pendingBackendInit = null));
    }
  };
Yt.nextTensorId = 0;
Yt.nextVariableId = 0;
function yc(t) {
  let e = Ke(_(t), 'float32');
  return f.makeTensor(e, t, 'float32');
}
function bc() {
  let t = Ir();
  if (t._tfengine == null) {
    let e = new Ve(t);
    t._tfengine = new Yt(e);
  }
  return (Fn(t._tfengine.ENV), Un(() => t._tfengine), t._tfengine);
}
var f = bc();
function Sc(t, e) {
  let r = { a: t, b: e };
  return f.runKernel('Add', r);
}
function kc(t, e) {
  let r = t;
  if (q(t)) return e === 'string' ? [] : [t.length];
  if (Ye(t)) {
    let n = t.channels || 'RGBA';
    return [t.height, t.width * n.length];
  } else if (Qe(t)) return [t.buffer.size / (e == null ? 4 : zt(e))];
  if (!Array.isArray(t)) return [];
  let o = [];
  for (; Array.isArray(r) || (q(r) && e !== 'string');) (o.push(r.length), (r = r[0]));
  return (Array.isArray(t) && I().getBool('TENSORLIKE_CHECK_SHAPE_CONSISTENCY') && jn(t, o, []), o);
}
function jn(t, e, r) {
  if (((r = r || []), !Array.isArray(t) && !q(t))) {
    g(e.length === 0, () => `Element arr[${r.join('][')}] is a primitive, but should be an array/TypedArray of ${e[0]} elements`);
    return;
  }
  (g(e.length > 0, () => `Element arr[${r.join('][')}] should be a primitive, but is an array of ${t.length} elements`),
    g(t.length === e[0], () => `Element arr[${r.join('][')}] should have ${e[0]} elements, but has ${t.length} elements`));
  let o = e.slice(1);
  for (let n = 0; n < t.length; ++n) jn(t[n], o, r.concat(n));
}
function Hn(t, e, r, o) {
  if (t !== 'string_or_numeric') {
    if (t == null) throw new Error('Expected dtype cannot be null.');
    if ((t !== 'numeric' && t !== e) || (t === 'numeric' && e === 'string'))
      throw new Error(`Argument '${r}' passed to '${o}' must be ${t} tensor, but got ${e} tensor`);
  }
}
function h(t, e, r, o = 'numeric') {
  if (t instanceof Cr()) return (Hn(o, t.dtype, e, r), t);
  let n = qt(t);
  if (
    (n !== 'string' && ['bool', 'int32', 'float32'].indexOf(o) >= 0 && (n = o),
    Hn(o, n, e, r),
    t == null || (!q(t) && !Array.isArray(t) && typeof t != 'number' && typeof t != 'boolean' && typeof t != 'string'))
  ) {
    let c = t == null ? 'null' : t.constructor.name;
    throw new Error(`Argument '${e}' passed to '${r}' must be a Tensor or TensorLike, but got '${c}'`);
  }
  let s = kc(t, n);
  !q(t) && !Array.isArray(t) && (t = [t]);
  let a = n !== 'string' ? He(t, n) : yt(t, [], !0);
  return f.makeTensor(a, s, n);
}
function er(t, e, r, o = 'numeric') {
  if (!Array.isArray(t)) throw new Error(`Argument ${e} passed to ${r} must be a \`Tensor[]\` or \`TensorLike[]\``);
  return t.map((s, i) => h(s, `${e}[${i}]`, r, o));
}
var Ec = '__op';
function d(t) {
  let e = Object.keys(t);
  if (e.length !== 1)
    throw new Error(`Please provide an object with a single key (operation name) mapping to a function. Got an object with ${e.length} keys.`);
  let r = e[0],
    o = t[r];
  (r.endsWith('_') && (r = r.substring(0, r.length - 1)), (r = r + Ec));
  let n = (...s) => {
    f.startScope(r);
    try {
      let i = o(...s);
      return ($t(i) && console.error('Cannot return a Promise inside of tidy.'), f.endScope(i), i);
    } catch (i) {
      throw (f.endScope(null), i);
    }
  };
  return (Object.defineProperty(n, 'name', { value: r, configurable: !0 }), n);
}
function Tc(t, e) {
  let r = h(t, 'x', 'cast');
  if (!An(e)) throw new Error(`Failed to cast to unknown dtype ${e}`);
  if ((e === 'string' && r.dtype !== 'string') || (e !== 'string' && r.dtype === 'string')) throw new Error('Only strings can be casted to strings');
  let o = { x: r },
    n = { dtype: e };
  return f.runKernel(kt, o, n);
}
var E = d({ cast_: Tc });
function vc(t, e) {
  let r = h(t, 'a', 'mul'),
    o = h(e, 'b', 'mul');
  [r, o] = P(r, o);
  let n = { a: r, b: o };
  return f.runKernel(Te, n);
}
var w = d({ mul_: vc });
function Ic(t, e = 0) {
  let o = { x: h(t, 'x', 'step') },
    n = { alpha: e };
  return f.runKernel(qe, o, n);
}
var gt = d({ step_: Ic });
var rr = {
  kernelName: 'Abs',
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, gt(E(r, 'float32'), -1)) };
  },
};
function Ac(t, e) {
  let r = h(t, 'a', 'floorDiv'),
    o = h(e, 'b', 'floorDiv');
  [r, o] = P(r, o);
  let n = { a: r, b: o };
  return f.runKernel(ye, n);
}
var Xn = d({ floorDiv_: Ac });
function $c(t, e) {
  let r = h(t, 'a', 'div'),
    o = h(e, 'b', 'div');
  if ((([r, o] = P(r, o)), r.dtype === 'int32' && o.dtype === 'int32')) return Xn(r, o);
  let n = { a: r, b: o },
    s = {};
  return f.runKernel(ge, n, s);
}
var D = d({ div_: $c });
function Dc(t) {
  let r = { x: h(t, 'x', 'neg') };
  return f.runKernel('Neg', r);
}
var L = d({ neg_: Dc });
function Jn(t, e, r, o) {
  if (o == null) o = qt(t);
  else if (o === 'complex64') throw new Error('Cannot construct a complex64 tensor directly. Please use tf.complex(real, imag).');
  if (Qe(t) || Ye(t)) {
    if (o !== 'float32' && o !== 'int32') throw new Error(`Creating tensor from GPU data only supports 'float32'|'int32' dtype, while the dtype is ${o}.`);
    return f.backend.createTensorFromGPUData(t, e || r, o);
  }
  if (!q(t) && !Array.isArray(t) && typeof t != 'number' && typeof t != 'boolean' && typeof t != 'string')
    throw new Error('values passed to tensor(values) must be a number/boolean/string or an array of numbers/booleans/strings, or a TypedArray');
  if (e != null) {
    dt(e);
    let n = _(e),
      s = _(r);
    g(n === s, () => `Based on the provided shape, [${e}], the tensor should have ${n} values but has ${s}`);
    for (let i = 0; i < r.length; ++i) {
      let a = r[i],
        c = i === r.length - 1 ? a !== _(e.slice(i)) : !0;
      g(r[i] === e[i] || !c, () => `Error creating a new Tensor. Inferred shape (${r}) does not match the provided shape (${e}). `);
    }
  }
  return (!q(t) && !Array.isArray(t) && (t = [t]), (e = e || r), (t = o !== 'string' ? He(t, o) : yt(t, [], !0)), f.makeTensor(t, e, o));
}
function R(t, e) {
  if (((q(t) && e !== 'string') || Array.isArray(t)) && e !== 'complex64')
    throw new Error('Error creating a new Scalar: value must be a primitive (number|boolean|string)');
  if (e === 'string' && q(t) && !(t instanceof Uint8Array)) throw new Error('When making a scalar from encoded string, the value must be `Uint8Array`.');
  return Jn(t, [], [], e);
}
function Gc(t) {
  let r = { x: h(t, 'x', 'sqrt', 'float32') };
  return f.runKernel(_e, r);
}
var nt = d({ sqrt_: Gc });
function Fc(t) {
  let e = h(t, 'x', 'square'),
    r = {};
  return f.runKernel('Square', { x: e }, r);
}
var B = d({ square_: Fc });
function Mc(t, e) {
  let r = h(t, 'a', 'sub'),
    o = h(e, 'b', 'sub');
  [r, o] = P(r, o);
  let n = { a: r, b: o };
  return f.runKernel('Sub', n);
}
var O = d({ sub_: Mc });
var Zn = {
  kernelName: ao,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return {
      x: () => {
        let o = B(E(r, 'float32')),
          n = nt(O(R(1), o));
        return L(D(t, n));
      },
    };
  },
};
var Yn = {
  kernelName: co,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return {
      x: () => {
        let o = nt(O(B(E(r, 'float32')), 1));
        return D(t, o);
      },
    };
  },
};
function Bc(t, e) {
  let r = t.length,
    o = [];
  for (let n = 0; n < r; n++) {
    let s = r - 1 - n,
      i = t[s] || 1;
    (e[e.length - 1 - n] || 1) > 1 && i === 1 && o.unshift(s);
  }
  return o;
}
function C(t, e) {
  let r = [];
  for (let o = 0; o < e.length; o++) {
    let n = t[t.length - o - 1],
      s = e.length - o - 1,
      i = e[s];
    (n == null || (n === 1 && i > 1)) && r.unshift(s);
  }
  return r;
}
function G(t, e) {
  let r = Math.max(t.length, e.length),
    o = new Array(r);
  for (let n = 0; n < r; n++) {
    let s = t[t.length - n - 1];
    s == null && (s = 1);
    let i = e[e.length - n - 1];
    if ((i == null && (i = 1), s === 1)) o[r - n - 1] = i;
    else if (i === 1) o[r - n - 1] = s;
    else if (s !== i) {
      let a = `Operands could not be broadcast together with shapes ${t} and ${e}.`;
      throw Error(a);
    } else o[r - n - 1] = s;
  }
  return o;
}
function Rc(t, e) {
  let o = { x: h(t, 'x', 'reshape', 'string_or_numeric') },
    n = { shape: e };
  return f.runKernel(Ne, o, n);
}
var y = d({ reshape_: Rc });
function Pc(t, e = null, r = !1) {
  let o = h(t, 'x', 'sum');
  o.dtype === 'bool' && (o = E(o, 'int32'));
  let n = { x: o },
    s = { axis: e, keepDims: r };
  return f.runKernel('Sum', n, s);
}
var $ = d({ sum_: Pc });
var Qn = {
  kernelName: 'Add',
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = t,
          c = C(r.shape, n);
        return (c.length > 0 && (a = $(a, c)), y(a, r.shape));
      },
      b: () => {
        let a = t,
          c = C(o.shape, n);
        return (c.length > 0 && (a = $(a, c)), y(a, o.shape));
      },
    };
  },
};
var ts = {
  kernelName: lo,
  saveAllInputs: !0,
  gradFunc: (t, e) => {
    let r = {};
    return (
      e.forEach((o, n) => {
        r[n] = () => t.clone();
      }),
      r
    );
  },
};
function Lc(t) {
  let r = { x: h(t, 'x', 'zerosLike') };
  return f.runKernel(Ue, r);
}
var A = d({ zerosLike_: Lc });
var es = {
  kernelName: po,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => A(r) };
  },
};
var rs = {
  kernelName: uo,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => A(r) };
  },
};
var os = {
  kernelName: fo,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, nt(O(R(1), B(E(r, 'float32'))))) };
  },
};
function Oc(t, e) {
  let r = h(t, 'a', 'add'),
    o = h(e, 'b', 'add');
  [r, o] = P(r, o);
  let n = { a: r, b: o };
  return f.runKernel('Add', n);
}
var K = d({ add_: Oc });
var ns = {
  kernelName: mo,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return {
      x: () => {
        let o = nt(K(R(1), B(E(r, 'float32'))));
        return D(t, o);
      },
    };
  },
};
var ss = {
  kernelName: xo,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = K(B(r), B(o)),
          c = w(t, D(o, a)),
          l = C(r.shape, n);
        return (l.length > 0 && (c = $(c, l)), y(c, r.shape));
      },
      b: () => {
        let a = K(B(r), B(o)),
          c = L(w(t, D(r, a))),
          l = C(o.shape, n);
        return (l.length > 0 && (c = $(c, l)), y(c, o.shape));
      },
    };
  },
};
var is = {
  kernelName: ho,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, K(B(E(r, 'float32')), 1)) };
  },
};
var as = {
  kernelName: go,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, O(R(1), B(E(r, 'float32')))) };
  },
};
function zc(t, e, r, o, n = 'NHWC', s) {
  let i = t[3],
    a = [...e, i],
    c = ls(n);
  return zr(t, a, r, s, o, null, null, c);
}
function Uc(t, e, r, o, n, s, i = 'channelsLast') {
  let [a, c] = te(e),
    l;
  if (i === 'channelsLast') l = [a, c, t[3], t[3]];
  else if (i === 'channelsFirst') l = [a, c, t[1], t[1]];
  else throw new Error(`Unknown dataFormat ${i}`);
  return zr(t, l, r, o, n, s, !1, i);
}
function qc(t, e, r, o, n, s, i = 'NDHWC') {
  let [a, c, l] = Or(e),
    m,
    u;
  if (i === 'NDHWC') ((u = 'channelsLast'), (m = [a, c, l, t[4], t[4]]));
  else if (i === 'NCDHW') ((u = 'channelsFirst'), (m = [a, c, l, t[1], t[1]]));
  else throw new Error(`Unknown dataFormat ${i}`);
  return cs(t, m, r, o, n, !1, u, s);
}
function zr(t, e, r, o, n, s, i = !1, a = 'channelsLast') {
  let [c, l, m, u] = [-1, -1, -1, -1];
  if (a === 'channelsLast') [c, l, m, u] = t;
  else if (a === 'channelsFirst') [c, u, l, m] = t;
  else throw new Error(`Unknown dataFormat ${a}`);
  let [p, x, , b] = e,
    [k, T] = te(r),
    [N, U] = te(o),
    S = Dt(p, N),
    v = Dt(x, U),
    { padInfo: M, outHeight: j, outWidth: X } = Vc(n, l, m, k, T, S, v, s, a),
    et = i ? b * u : b,
    z;
  return (
    a === 'channelsFirst' ? (z = [c, et, j, X]) : a === 'channelsLast' && (z = [c, j, X, et]),
    {
      batchSize: c,
      dataFormat: a,
      inHeight: l,
      inWidth: m,
      inChannels: u,
      outHeight: j,
      outWidth: X,
      outChannels: et,
      padInfo: M,
      strideHeight: k,
      strideWidth: T,
      filterHeight: p,
      filterWidth: x,
      effectiveFilterHeight: S,
      effectiveFilterWidth: v,
      dilationHeight: N,
      dilationWidth: U,
      inShape: t,
      outShape: z,
      filterShape: e,
    }
  );
}
function cs(t, e, r, o, n, s = !1, i = 'channelsLast', a) {
  let [c, l, m, u, p] = [-1, -1, -1, -1, -1];
  if (i === 'channelsLast') [c, l, m, u, p] = t;
  else if (i === 'channelsFirst') [c, p, l, m, u] = t;
  else throw new Error(`Unknown dataFormat ${i}`);
  let [x, b, k, , T] = e,
    [N, U, S] = Or(r),
    [v, M, j] = Or(o),
    X = Dt(x, v),
    et = Dt(b, M),
    z = Dt(k, j),
    { padInfo: mt, outDepth: rt, outHeight: wt, outWidth: yr } = Hc(n, l, m, u, N, U, S, X, et, z, a),
    br = s ? T * p : T,
    Sr;
  return (
    i === 'channelsFirst' ? (Sr = [c, br, rt, wt, yr]) : i === 'channelsLast' && (Sr = [c, rt, wt, yr, br]),
    {
      batchSize: c,
      dataFormat: i,
      inDepth: l,
      inHeight: m,
      inWidth: u,
      inChannels: p,
      outDepth: rt,
      outHeight: wt,
      outWidth: yr,
      outChannels: br,
      padInfo: mt,
      strideDepth: N,
      strideHeight: U,
      strideWidth: S,
      filterDepth: x,
      filterHeight: b,
      filterWidth: k,
      effectiveFilterDepth: X,
      effectiveFilterHeight: et,
      effectiveFilterWidth: z,
      dilationDepth: v,
      dilationHeight: M,
      dilationWidth: j,
      inShape: t,
      outShape: Sr,
      filterShape: e,
    }
  );
}
function Wc(t, e, r, o, n) {
  o == null && (o = Ur(t, e, r));
  let s = t[0],
    i = t[1],
    a = ee((s - e + 2 * o) / r + 1, n),
    c = ee((i - e + 2 * o) / r + 1, n);
  return [a, c];
}
function Kc(t, e, r, o, n, s) {
  n == null && (n = Ur(t, e[0], o[0]));
  let i = [0, 0, 0, r];
  for (let a = 0; a < 3; a++) t[a] + 2 * n >= e[a] && (i[a] = ee((t[a] - e[a] + 2 * n) / o[a] + 1, s));
  return i;
}
function Ur(t, e, r, o = 1) {
  let n = Dt(e, o);
  return Math.floor((t[0] * (r - 1) - r + n) / 2);
}
function te(t) {
  return typeof t == 'number' ? [t, t, t] : t.length === 2 ? [t[0], t[1], 1] : t;
}
function Or(t) {
  return typeof t == 'number' ? [t, t, t] : t;
}
function Dt(t, e) {
  return e <= 1 ? t : t + (t - 1) * (e - 1);
}
function Vc(t, e, r, o, n, s, i, a, c) {
  let l, m, u;
  if (typeof t == 'number') {
    l = { top: t, bottom: t, left: t, right: t, type: t === 0 ? 'VALID' : 'NUMBER' };
    let x = Wc([e, r], s, o, t, a);
    ((m = x[0]), (u = x[1]));
  } else if (t === 'same') {
    ((m = Math.ceil(e / o)), (u = Math.ceil(r / n)));
    let p = Math.max(0, (m - 1) * o + s - e),
      x = Math.max(0, (u - 1) * n + i - r),
      b = Math.floor(p / 2),
      k = p - b,
      T = Math.floor(x / 2),
      N = x - T;
    l = { top: b, bottom: k, left: T, right: N, type: 'SAME' };
  } else if (t === 'valid') ((l = { top: 0, bottom: 0, left: 0, right: 0, type: 'VALID' }), (m = Math.ceil((e - s + 1) / o)), (u = Math.ceil((r - i + 1) / n)));
  else if (typeof t == 'object') {
    let p = c === 'channelsLast' ? t[1][0] : t[2][0],
      x = c === 'channelsLast' ? t[1][1] : t[2][1],
      b = c === 'channelsLast' ? t[2][0] : t[3][0],
      k = c === 'channelsLast' ? t[2][1] : t[3][1];
    ((l = { top: p, bottom: x, left: b, right: k, type: p === 0 && x === 0 && b === 0 && k === 0 ? 'VALID' : 'EXPLICIT' }),
      (m = ee((e - s + p + x) / o + 1, a)),
      (u = ee((r - i + b + k) / n + 1, a)));
  } else throw Error(`Unknown padding parameter: ${t}`);
  return { padInfo: l, outHeight: m, outWidth: u };
}
function Hc(t, e, r, o, n, s, i, a, c, l, m) {
  let u, p, x, b;
  if ((t === 'valid' && (t = 0), typeof t == 'number')) {
    u = { top: t, bottom: t, left: t, right: t, front: t, back: t, type: t === 0 ? 'VALID' : 'NUMBER' };
    let T = Kc([e, r, o, 1], [a, c, l], 1, [n, s, i], t, m);
    ((p = T[0]), (x = T[1]), (b = T[2]));
  } else if (t === 'same') {
    ((p = Math.ceil(e / n)), (x = Math.ceil(r / s)), (b = Math.ceil(o / i)));
    let k = (p - 1) * n + a - e,
      T = (x - 1) * s + c - r,
      N = (b - 1) * i + l - o,
      U = Math.floor(k / 2),
      S = k - U,
      v = Math.floor(T / 2),
      M = T - v,
      j = Math.floor(N / 2),
      X = N - j;
    u = { top: v, bottom: M, left: j, right: X, front: U, back: S, type: 'SAME' };
  } else throw Error(`Unknown padding parameter: ${t}`);
  return { padInfo: u, outDepth: p, outHeight: x, outWidth: b };
}
function ee(t, e) {
  if (!e) return Math.trunc(t);
  switch (e) {
    case 'round':
      return Math.round(t);
    case 'ceil':
      return Math.ceil(t);
    case 'floor':
      return Math.floor(t);
    default:
      throw new Error(`Unknown roundingMode ${e}`);
  }
}
function lt(t) {
  let [e, r, o] = te(t);
  return e === 1 && r === 1 && o === 1;
}
function re(t, e) {
  return lt(t) || lt(e);
}
function or(t) {
  return te(t).every((e) => e > 0);
}
function ls(t) {
  if (t === 'NHWC') return 'channelsLast';
  if (t === 'NCHW') return 'channelsFirst';
  throw new Error(`Unknown dataFormat ${t}`);
}
function V(t, e, r) {
  if (r != null) {
    if (typeof e == 'string') throw Error(`Error in ${t}: pad must be an integer when using dimRoundingMode ${r} but got pad ${e}.`);
    if (typeof e == 'number') g(It(e), () => `Error in ${t}: pad must be an integer when using dimRoundingMode ${r} but got pad ${e}.`);
    else if (typeof e == 'object')
      e.forEach((o) => {
        o.forEach((n) => {
          g(It(n), () => `Error in ${t}: pad must be an integer when using dimRoundingMode ${r} but got pad ${n}.`);
        });
      });
    else throw Error(`Error in ${t}: Unknown padding parameter: ${e}`);
  }
}
function jc(t, e, r, o, n, s) {
  let i = h(t, 'dy', 'avgPool3dGrad'),
    a = h(e, 'input', 'avgPool3dGrad'),
    c = i,
    l = a,
    m = !1;
  (a.rank === 4 && ((m = !0), (c = y(i, [1, i.shape[0], i.shape[1], i.shape[2], i.shape[3]])), (l = y(a, [1, a.shape[0], a.shape[1], a.shape[2], a.shape[3]]))),
    g(c.rank === 5, () => `Error in avgPool3dGrad: dy must be rank 5 but got rank ${c.rank}.`),
    g(l.rank === 5, () => `Error in avgPool3dGrad: input must be rank 5 but got rank ${l.rank}.`),
    V('avgPool3dGrad', n, s));
  let u = { dy: c, input: l },
    p = { filterSize: r, strides: o, pad: n, dimRoundingMode: s },
    x = f.runKernel(So, u, p);
  return m ? y(x, [x.shape[1], x.shape[2], x.shape[3], x.shape[4]]) : x;
}
var ps = d({ avgPool3dGrad_: jc });
var us = {
  kernelName: bo,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { filterSize: n, strides: s, pad: i, dimRoundingMode: a } = r;
    return { x: () => ps(t, o, n, s, i, a) };
  },
};
function Xc(t, e, r, o, n) {
  let s = h(t, 'dy', 'avgPoolGrad'),
    i = h(e, 'input', 'avgPoolGrad');
  g(i.rank === s.rank, () => `Rank of input (${i.rank}) does not match rank of dy (${s.rank})`);
  let a = i,
    c = s,
    l = !1;
  (i.rank === 3 && ((l = !0), (a = y(i, [1, i.shape[0], i.shape[1], i.shape[2]])), (c = y(s, [1, s.shape[0], s.shape[1], s.shape[2]]))),
    g(c.rank === 4, () => `Error in avgPoolGrad: dy must be rank 4 but got rank ${c.rank}.`),
    g(a.rank === 4, () => `Error in avgPoolGrad: input must be rank 4 but got rank ${a.rank}.`));
  let m = { dy: c, input: a },
    u = { filterSize: r, strides: o, pad: n },
    p = f.runKernel(yo, m, u);
  return l ? y(p, [p.shape[1], p.shape[2], p.shape[3]]) : p;
}
var fs = d({ avgPoolGrad_: Xc });
var ms = {
  kernelName: wo,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { filterSize: n, strides: s, pad: i } = r;
    return { x: () => fs(t, o, n, s, i) };
  },
};
function Jc(t, e, r = !1, o = !1) {
  let n = h(t, 'a', 'matMul'),
    s = h(e, 'b', 'matMul');
  [n, s] = P(n, s);
  let i = { a: n, b: s },
    a = { transposeA: r, transposeB: o };
  return f.runKernel(le, i, a);
}
var pt = d({ matMul_: Jc });
var hs = {
  kernelName: le,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { transposeA: s, transposeB: i } = r;
    return !s && !i
      ? { a: () => pt(t, n, !1, !0), b: () => pt(o, t, !0, !1) }
      : !s && i
        ? { a: () => pt(t, n, !1, !1), b: () => pt(t, o, !0, !1) }
        : s && !i
          ? { a: () => pt(n, t, !1, !0), b: () => pt(o, t, !1, !1) }
          : { a: () => pt(n, t, !0, !0), b: () => pt(t, o, !0, !0) };
  },
};
function Zc(t, e, r) {
  let o = h(t, 'x', 'spaceToBatchND');
  (g(o.rank >= 1 + e.length, () => `input rank ${o.rank} should be > than [blockShape] ${e.length}`),
    g(r.length === e.length, () => `paddings.shape[0] ${r.length} must be equal to [blockShape] ${e.length}`),
    g(
      o.shape.reduce((i, a, c) => (c > 0 && c <= e.length ? i && (a + r[c - 1][0] + r[c - 1][1]) % e[c - 1] === 0 : i), !0),
      () => `input spatial dimensions ${o.shape.slice(1)} with paddings ${r.toString()} must be divisible by blockShapes ${e.toString()}`,
    ));
  let n = { x: o },
    s = { blockShape: e, paddings: r };
  return f.runKernel(Pe, n, s);
}
var ds = d({ spaceToBatchND_: Zc });
var gs = {
  kernelName: pe,
  gradFunc: (t, e, r) => {
    let { blockShape: o, crops: n } = r;
    return { x: () => ds(t, o, n) };
  },
};
var xs = {
  kernelName: ko,
  gradFunc: (t, e, r) => {
    let o = r,
      n = o.inputShape,
      s = o.shape,
      i = Array.from(s);
    for (let c = n.length - 1; c >= 0; c--)
      if (n[c] === s[c]) i[c] = 1;
      else if (n[c] !== 1) throw new Error(`broadcastTo(): [${n}] cannot be broadcast to [${s}].`);
    let a = [];
    for (let c = 0; c < i.length; c++) i[c] > 1 && a.push(c);
    return { x: () => $(t, a, !0) };
  },
};
var ws = { kernelName: kt, gradFunc: (t) => ({ x: () => t.clone() }) };
var ys = { kernelName: Eo, gradFunc: (t) => ({ x: () => A(t) }) };
function Yc(t, e) {
  let r = h(t, 'a', 'greaterEqual', 'string_or_numeric'),
    o = h(e, 'b', 'greaterEqual', 'string_or_numeric');
  (([r, o] = P(r, o)), G(r.shape, o.shape));
  let n = { a: r, b: o };
  return f.runKernel(Se, n);
}
var Ft = d({ greaterEqual_: Yc });
function Qc(t, e) {
  let r = h(t, 'a', 'lessEqual', 'string_or_numeric'),
    o = h(e, 'b', 'lessEqual', 'string_or_numeric');
  (([r, o] = P(r, o)), G(r.shape, o.shape));
  let n = { a: r, b: o };
  return f.runKernel(jo, n);
}
var Ct = d({ lessEqual_: Qc });
function tl(t, e) {
  let r = h(t, 'a', 'logicalAnd', 'bool'),
    o = h(e, 'b', 'logicalAnd', 'bool');
  G(r.shape, o.shape);
  let n = { a: r, b: o };
  return f.runKernel(Jo, n);
}
var nr = d({ logicalAnd_: tl });
function el(t) {
  let r = { x: h(t, 'x', 'clone', 'string_or_numeric') };
  return f.runKernel(Et, r);
}
var sr = d({ clone_: el });
function rl(t, e) {
  let r = h(t, 'broadcastTo', 'x'),
    o = r.shape;
  if ((dt(e), e.length < r.rank)) throw new Error(`broadcastTo(): shape.length=${e.length} < input.rank=${r.rank}.`);
  if (e.length > r.rank) {
    let l = r.shape.slice();
    for (; l.length < e.length;) l.unshift(1);
    r = y(r, l);
  }
  let n = r.shape,
    s = Array.from(e);
  for (let l = e.length - 1; l >= 0; l--)
    if (n[l] === e[l]) s[l] = 1;
    else if (r.shape[l] !== 1) throw new Error(`broadcastTo(): [${o}] cannot be broadcast to [${e}].`);
  if (s.map((l, m) => (l > 1 ? m : -1)).filter((l) => l >= 0).length === 0) return sr(r);
  let a = { x: r },
    c = { reps: s };
  return f.runKernel(Tt, a, c);
}
var ir = d({ broadcastTo_: rl });
function ol(t, e, r) {
  let o = h(e, 'a', 'where'),
    n = h(r, 'b', 'where'),
    s = h(t, 'condition', 'where', 'bool'),
    i = G(G(s.shape, o.shape), n.shape),
    a = ir(s, i),
    c = ir(o, i),
    l = ir(n, i),
    m = { condition: a, t: c, e: l };
  return f.runKernel(Ce, m);
}
var tt = d({ where_: ol });
var bs = {
  kernelName: To,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { clipValueMin: n, clipValueMax: s } = r;
    return { x: () => tt(nr(Ft(o, n), Ct(o, s)), t, A(t)) };
  },
};
var Ss = { kernelName: Io, inputsToSave: ['x'], gradFunc: rr.gradFunc };
function nl(t, e, r = 0) {
  let n = { x: h(t, 'x', 'split') },
    s = { numOrSizeSplits: e, axis: r };
  return f.runKernel(Le, n, s);
}
var ks = d({ split_: nl });
var Es = {
  kernelName: ue,
  saveAllInputs: !0,
  gradFunc: (t, e, r) => {
    let o = e.map((c) => c.shape),
      { axis: n } = r,
      s = Z(n, e[0].shape)[0],
      i = o.map((c) => c[s]);
    return ks(t, i, s).map((c) => () => c);
  },
};
function sl(t, e, r, o, n, s = 'NHWC', i) {
  let a = t;
  t.rank === 3 && (a = y(t, [1, t.shape[0], t.shape[1], t.shape[2]]));
  let c = e;
  (c.rank === 3 && (c = y(e, [1, e.shape[0], e.shape[1], e.shape[2]])),
    g(a.rank === 4, () => `Error in conv2dDerFilter: input must be rank 4, but got shape ${a.shape}.`),
    g(c.rank === 4, () => `Error in conv2dDerFilter: dy must be rank 4, but got shape ${c.shape}.`),
    g(r.length === 4, () => `Error in conv2dDerFilter: filterShape must be length 4, but got ${r}.`));
  let l = s === 'NHWC' ? a.shape[3] : a.shape[1],
    m = s === 'NHWC' ? c.shape[3] : c.shape[1];
  (g(l === r[2], () => `Error in conv2dDerFilter: depth of input ${l}) must match input depth in filter (${r[2]}.`),
    g(m === r[3], () => `Error in conv2dDerFilter: depth of dy (${m}) must match output depth for filter (${r[3]}).`),
    V('conv2dDerFilter', n, i));
  let u = { x: a, dy: c },
    p = { strides: o, pad: n, dataFormat: s, dimRoundingMode: i, filterShape: r };
  return f.runKernel(Ao, u, p);
}
var ar = d({ conv2DBackpropFilter_: sl });
function il(t, e, r, o, n, s = 'NHWC', i) {
  g(t.length === e.rank, () => `Length of inShape (${t.length}) and rank of dy (${e.rank}) must match`);
  let a = t,
    c = e,
    l = !1;
  (e.rank === 3 && ((l = !0), (c = y(e, [1, e.shape[0], e.shape[1], e.shape[2]])), (a = [1, t[0], t[1], t[2]])),
    g(a.length === 4, () => `Error in conv2dDerInput: inShape must be length 4, but got length ${a.length}.`),
    g(c.rank === 4, () => `Error in conv2dDerInput: dy must be rank 4, but got rank ${c.rank}`),
    g(r.rank === 4, () => `Error in conv2dDerInput: filter must be rank 4, but got rank ${r.rank}`));
  let m = s === 'NHWC' ? a[3] : a[1],
    u = s === 'NHWC' ? c.shape[3] : c.shape[1];
  (g(m === r.shape[2], () => `Error in conv2dDerInput: depth of input (${m}) must match input depth for filter ${r.shape[2]}.`),
    g(u === r.shape[3], () => `Error in conv2dDerInput: depth of output (${u}) must match output depth for filter ${r.shape[3]}.`),
    V('conv2dDerInput', n, i));
  let p = { dy: c, filter: r },
    x = { strides: o, pad: n, dataFormat: s, dimRoundingMode: i, inputShape: a },
    b = f.runKernel(me, p, x);
  return l ? y(b, [b.shape[1], b.shape[2], b.shape[3]]) : b;
}
var Ts = d({ conv2DBackpropInput_: il });
var vs = {
  kernelName: fe,
  inputsToSave: ['x', 'filter'],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { dilations: s, strides: i, pad: a, dataFormat: c } = r;
    return (
      g(lt(s), () => `Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${s}'`),
      { x: () => Ts(o.shape, t, n, i, a, c), filter: () => ar(o, t, n.shape, i, a, c) }
    );
  },
};
function al(t, e, r, o, n = 'NHWC', s = [1, 1], i) {
  let a = h(t, 'x', 'conv2d', 'float32'),
    c = h(e, 'filter', 'conv2d', 'float32'),
    l = a,
    m = !1;
  (a.rank === 3 && ((m = !0), (l = y(a, [1, a.shape[0], a.shape[1], a.shape[2]]))),
    g(l.rank === 4, () => `Error in conv2d: input must be rank 4, but got rank ${l.rank}.`),
    g(c.rank === 4, () => `Error in conv2d: filter must be rank 4, but got rank ${c.rank}.`),
    V('conv2d', o, i));
  let u = n === 'NHWC' ? l.shape[3] : l.shape[1];
  (g(u === c.shape[2], () => `Error in conv2d: depth of input (${u}) must match input depth for filter ${c.shape[2]}.`),
    g(re(r, s), () => `Error in conv2D: Either strides or dilations must be 1. Got strides ${r} and dilations '${s}'`),
    g(or(s), () => 'Error in conv2D: Dilated rates should be larger than 0.'),
    g(or(r), () => 'Error in conv2D: Strides should be larger than 0.'));
  let p = { x: l, filter: c },
    x = { strides: r, pad: o, dataFormat: n, dilations: s, dimRoundingMode: i },
    b = f.runKernel(fe, p, x);
  return m ? y(b, [b.shape[1], b.shape[2], b.shape[3]]) : b;
}
var Is = d({ conv2d_: al });
var As = {
  kernelName: me,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { strides: s, pad: i, dataFormat: a, dimRoundingMode: c } = r;
    return { dy: () => Is(t, n, s, i, a, 1, c), filter: () => ar(t, o, n.shape, s, i, a, c) };
  },
};
function cl(t, e, r, o, n) {
  let s = t;
  t.rank === 4 && (s = y(t, [1, t.shape[0], t.shape[1], t.shape[2], t.shape[3]]));
  let i = e;
  (i.rank === 4 && (i = y(e, [1, e.shape[0], e.shape[1], e.shape[2], e.shape[3]])),
    g(s.rank === 5, () => `Error in conv3dDerFilter: input must be rank 5, but got shape ${s.shape}.`),
    g(i.rank === 5, () => `Error in conv3dDerFilter: dy must be rank 5, but got shape ${i.shape}.`),
    g(r.length === 5, () => `Error in conv3dDerFilter: filterShape must be length 5, but got ${r}.`),
    g(s.shape[4] === r[3], () => `Error in conv3dDerFilter: depth of input ${s.shape[4]}) must match input depth in filter (${r[3]}.`),
    g(i.shape[4] === r[4], () => `Error in conv3dDerFilter: depth of dy (${i.shape[4]}) must match output depth for filter (${r[4]}).`));
  let a = { x: s, dy: i },
    c = { strides: o, pad: n, filterShape: r };
  return f.runKernel(No, a, c);
}
var $s = d({ conv3DBackpropFilter_: cl });
function ll(t, e, r, o, n) {
  g(t.length === e.rank, () => `Length of inShape (${t.length}) and rank of dy (${e.rank}) must match`);
  let s = t,
    i = e,
    a = !1;
  e.rank === 4 && ((a = !0), (i = y(e, [1, e.shape[0], e.shape[1], e.shape[2], e.shape[3]])), (s = [1, t[0], t[1], t[2], t[3]]));
  let c = s[4],
    l = i.shape[4];
  (g(s.length === 5, () => `Error in conv3dDerInput: inShape must be length 5, but got length ${s.length}.`),
    g(i.rank === 5, () => `Error in conv3dDerInput: dy must be rank 5, but got rank ${i.rank}`),
    g(r.rank === 5, () => `Error in conv3dDerInput: filter must be rank 5, but got rank ${r.rank}`),
    g(c === r.shape[3], () => `Error in conv3dDerInput: depth of input (${c}) must match input depth for filter ${r.shape[3]}.`),
    g(l === r.shape[4], () => `Error in conv3dDerInput: depth of output (${l}) must match output depth for filter ${r.shape[4]}.`));
  let m = { dy: i, filter: r },
    u = { pad: n, strides: o, inputShape: s },
    p = f.runKernel(Do, m, u);
  return a ? y(p, [p.shape[1], p.shape[2], p.shape[3], p.shape[4]]) : p;
}
var Ns = d({ conv3DBackpropInput_: ll });
var Ds = {
  kernelName: $o,
  inputsToSave: ['x', 'filter'],
  gradFunc: (t, e, r) => {
    let { dilations: o, strides: n, pad: s } = r;
    g(lt(o), () => `Error in gradient of conv3D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${o}'`);
    let [i, a] = e;
    return { x: () => Ns(i.shape, t, a, n, s), filter: () => $s(i, t, a.shape, n, s) };
  },
};
function ul(t) {
  let r = { x: h(t, 'x', 'sin', 'float32') };
  return f.runKernel('Sin', r);
}
var Gs = d({ sin_: ul });
var Fs = {
  kernelName: 'Cos',
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(L(Gs(E(r, 'float32'))), t) };
  },
};
function ml(t) {
  let r = { x: h(t, 'x', 'sinh') };
  return f.runKernel(Be, r);
}
var Cs = d({ sinh_: ml });
var Ms = {
  kernelName: he,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(Cs(E(r, 'float32')), t) };
  },
};
function qr(t, e) {
  for (let r = 0; r < t.length; ++r) if (t[t.length - r - 1] !== e - 1 - r) return !1;
  return !0;
}
function Bs(t, e, r) {
  let o = t.length + e.length,
    n = [],
    s = 0,
    i = 0;
  for (let a = 0; a < o; a++) r.indexOf(a) === -1 ? n.push(t[s++]) : n.push(e[i++]);
  return n;
}
function Wr(t, e) {
  let r = [],
    o = t.length;
  for (let s = 0; s < o; s++) e.indexOf(s) === -1 && r.push(t[s]);
  let n = e.map((s) => t[s]);
  return [r, n];
}
function cr(t, e) {
  let r = e.map((o) => 1);
  return Bs(t, r, e);
}
function hl(t, e, r) {
  g(qr(e, r), () => `${t} supports only inner-most axes for now. Got axes ${e} and rank-${r} input.`);
}
function Kr(t, e) {
  if (qr(t, e)) return null;
  let r = [];
  for (let o = 0; o < e; ++o) t.indexOf(o) === -1 && r.push(o);
  return (t.forEach((o) => r.push(o)), r);
}
function oe(t) {
  return t
    .map((e, r) => [r, e])
    .sort((e, r) => e[1] - r[1])
    .map((e) => e[0]);
}
function dl(t, e) {
  let r = [];
  for (let o = e - t; o < e; ++o) r.push(o);
  return r;
}
function gl(t, e = 0, r = !1, o = !1) {
  let s = { x: h(t, 'x', 'cumsum') },
    i = { axis: e, exclusive: r, reverse: o };
  return f.runKernel(de, s, i);
}
var _s = d({ cumsum_: gl });
function xl(t) {
  I().getBool('DEPRECATION_WARNINGS_ENABLED') && console.warn(t + ' You can disable deprecation warnings with tf.disableDeprecationWarnings().');
}
qn(xl);
function Ps(t, e) {
  return f.tidy(t, e);
}
function wl(t, e) {
  let r = h(t, 'real', 'complex'),
    o = h(e, 'imag', 'complex');
  vn(r.shape, o.shape, `real and imag shapes, ${r.shape} and ${o.shape}, must match in call to tf.complex().`);
  let n = { real: r, imag: o };
  return f.runKernel(vo, n);
}
var Mt = d({ complex_: wl });
function yl(t) {
  let r = { input: h(t, 'input', 'imag') };
  return f.runKernel(qo, r);
}
var Ls = d({ imag_: yl });
function bl(t) {
  let r = { input: h(t, 'input', 'real') };
  return f.runKernel(un, r);
}
var Os = d({ real_: bl });
function Sl(t, e, r) {
  let o = h(t, 'x', 'transpose');
  if (
    (e == null && (e = o.shape.map((i, a) => a).reverse()),
    g(o.rank === e.length, () => `Error in transpose: rank of input ${o.rank} must match length of perm ${e}.`),
    e.forEach((i) => {
      g(i >= 0 && i < o.rank, () => `All entries in 'perm' must be between 0 and ${o.rank - 1} but got ${e}`);
    }),
    o.rank <= 1)
  )
    return o.clone();
  let n = { x: o },
    s = { perm: e };
  return o.dtype === 'complex64'
    ? Ps(() => {
        let i = Os(o),
          a = Ls(o);
        return ((i = f.runKernel(vt, { x: i }, s)), (a = f.runKernel(vt, { x: a }, s)), r && (a = L(a)), Mt(i, a));
      })
    : f.runKernel(vt, n, s);
}
var st = d({ transpose_: Sl });
var zs = {
  kernelName: de,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { axis: n, exclusive: s, reverse: i } = r;
    return {
      x: () => {
        let a = Kr([n], o.rank),
          c = _s(t, n, s, !i);
        return (a != null && (c = st(c, a)), c);
      },
    };
  },
};
function kl(t, e, r, o, n, s = [1, 1], i) {
  let a = t;
  t.rank === 3 && (a = y(t, [1, t.shape[0], t.shape[1], t.shape[2]]));
  let c = e;
  c.rank === 3 && (c = y(e, [1, e.shape[0], e.shape[1], e.shape[2]]));
  let l = { x: a, dy: c },
    m = { strides: o, pad: n, dimRoundingMode: i, dilations: s, filterShape: r };
  return f.runKernel(Co, l, m);
}
var Us = d({ depthwiseConv2dNativeBackpropFilter_: kl });
function El(t, e, r, o, n, s = [1, 1], i) {
  let a = e,
    c = !1;
  e.rank === 3 && ((c = !0), (a = y(e, [1, e.shape[0], e.shape[1], e.shape[2]])));
  let l = { dy: a, filter: r },
    m = { strides: o, pad: n, dimRoundingMode: i, dilations: s, inputShape: t },
    u = f.runKernel(Mo, l, m);
  return c ? y(u, [u.shape[1], u.shape[2], u.shape[3]]) : u;
}
var qs = d({ depthwiseConv2dNativeBackpropInput_: El });
var Ws = {
  kernelName: Fo,
  inputsToSave: ['x', 'filter'],
  gradFunc: (t, e, r) => {
    let { dilations: o, strides: n, pad: s, dimRoundingMode: i } = r,
      a = o ?? [1, 1];
    g(lt(a), () => `Error in gradient of depthwiseConv2dNative: dilation rates greater than 1 are not yet supported. Got dilations '${a}'`);
    let [c, l] = e;
    return (
      g(c.rank === 4, () => `Error in gradient of depthwiseConv2dNative: input must be rank 4, but got rank ${c.rank}.`),
      g(l.rank === 4, () => `Error in gradient of depthwiseConv2dNative: filter must be rank 4, but got rank ${l.rank}.`),
      g(
        c.shape[3] === l.shape[2],
        () => `Error in gradient of depthwiseConv2d: number of input channels (${c.shape[3]}) must match the inChannels dimension in filter ${l.shape[2]}.`,
      ),
      g(re(n, a), () => `Error in gradient of depthwiseConv2d: Either strides or dilations must be  1. Got strides ${n} and dilations '${a}'.`),
      V('depthwiseConv2d', s, i),
      { x: () => qs(c.shape, t, l, n, s, a, i), filter: () => Us(c, t, l.shape, n, s, a, i) }
    );
  },
};
var Ks = {
  kernelName: Bo,
  inputsToSave: ['x', 'filter'],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      s = { x: o, filter: n, dy: t },
      i = { x: o, filter: n, dy: t };
    return { x: () => f.runKernel(Ro, s, r), filter: () => f.runKernel(_o, i, r) };
  },
};
var Hs = {
  kernelName: 'Elu',
  outputsToSave: [!0],
  gradFunc: (t, e) => {
    let [r] = e,
      o = { dy: t, y: r };
    return { x: () => f.runKernel(Po, o) };
  },
};
function vl(t) {
  let r = { x: h(t, 'x', 'exp') };
  return f.runKernel('Exp', r);
}
var xt = d({ exp_: vl });
var js = {
  kernelName: 'Erf',
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e,
      o = w(xt(L(B(r))), 2 / Math.sqrt(Math.PI));
    return { x: () => w(t, o) };
  },
};
var Xs = {
  kernelName: 'Exp',
  outputsToSave: [!0],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, r) };
  },
};
var Js = {
  kernelName: xe,
  inputsToSave: ['input'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { input: () => y(t, r.shape) };
  },
};
var Zs = {
  kernelName: Oo,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, xt(r)) };
  },
};
var Ys = { kernelName: we, gradFunc: (t) => ({ x: () => A(t) }) };
var Qs = {
  kernelName: ye,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = D(t, E(o, 'float32')),
          c = C(r.shape, n);
        return c.length > 0 ? y($(a, c), r.shape) : a;
      },
      b: () => {
        let a = w(t, E(r, 'float32')),
          c = C(o.shape, n);
        c.length > 0 && (a = y($(a, c), o.shape));
        let l = B(o);
        return L(D(a, E(l, 'float32')));
      },
    };
  },
};
function Il(t) {
  let r = { x: h(t, 'x', 'rsqrt', 'float32') };
  return f.runKernel(Fe, r);
}
var ti = d({ rsqrt_: Il });
function Al(t, e) {
  let r = h(t, 'x', 'tile', 'string_or_numeric');
  g(r.rank === e.length, () => `Error in transpose: rank of input ${r.rank} must match length of reps ${e}.`);
  let o = { x: r },
    n = { reps: e };
  return f.runKernel(Tt, o, n);
}
var ei = d({ tile_: Al });
var ri = {
  kernelName: zo,
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (t, e, r) => {
    let { varianceEpsilon: o } = r,
      [n, s, i, a] = e,
      c = a ?? R(1),
      l = C(s.shape, n.shape),
      m = [];
    if (s.rank === 1) {
      for (let v = 0; v < n.shape.length - 1; ++v) m.push(n.shape[v]);
      m.push(1);
    }
    let u = O(n, s),
      p = w(t, c),
      x = ti(K(i, R(o))),
      b = w(w(w(x, x), x), R(-0.5));
    return {
      x: () => (s.rank === 1 ? y(w(w(t, ei(y(x, [1, 1, 1, s.shape[0]]), m)), c), n.shape) : y(w(w(t, x), c), n.shape)),
      mean: () => {
        let v = w(w(x, R(-1)), p);
        return (s.rank === 1 && (v = $(v, l)), y(v, s.shape));
      },
      variance: () => {
        let v = w(w(b, u), p);
        return (s.rank === 1 && (v = $(v, l)), y(v, s.shape));
      },
      scale: () => {
        let v = w(u, x),
          M = w(t, v);
        return (s.rank === 1 && (M = $(M, l)), y(M, s.shape));
      },
      offset: () => {
        let v = t;
        return (s.rank === 1 && (v = $(v, l)), y(v, s.shape));
      },
    };
  },
};
function $l(t, e = 0) {
  let r = er(t, 'tensors', 'stack', 'string_or_numeric');
  (g(r.length >= 1, () => 'Pass at least one tensor to tf.stack'), r.length > 0 && g(e <= r[0].rank, () => 'Axis must be <= rank of the tensor'));
  let o = r,
    n = { axis: e };
  return f.runKernel(ve, o, n);
}
var lr = d({ stack_: $l });
function Nl(t, e, r) {
  let o = h(t, 'x', 'unsortedSegmentSum'),
    n = h(e, 'segmentIds', 'unsortedSegmentSum', 'int32');
  g(It(r), () => 'numSegments must be of dtype int');
  let s = { x: o, segmentIds: n },
    i = { numSegments: r };
  return f.runKernel(ze, s, i);
}
var oi = d({ unsortedSegmentSum_: Nl });
var ii = {
  kernelName: be,
  inputsToSave: ['x', 'indices'],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { axis: s, batchDims: i } = r,
      a = Z(s, o.shape)[0],
      c = (l, m, u) => () => {
        let p = l.shape,
          x = m.size,
          b = p.slice(0, a),
          k = b.length,
          T = p.slice(s, p.length).slice(1),
          N = T.length,
          U = ni(0, k),
          S = ni(k + 1, k + 1 + N),
          v = si([b, [x], T]),
          M = y(u, v),
          j = y(m, [x]),
          X = si([[k], U, S]),
          et = st(M, X),
          z = oi(et, j, l.shape[a]),
          mt = oe(X);
        return ((z = st(z, mt)), z);
      };
    if (i === 1) {
      let l = o.shape[0],
        m = o.split(l, 0);
      return { x: () => lr(m.map((x, b) => c(x, n.slice(b, 1), t.slice(b, 1))())).reshape(o.shape), indices: () => n };
    } else return { x: c(o, n, t), indices: () => n };
  },
};
function ni(t, e) {
  let r = [];
  for (let o = t; o < e; ++o) r.push(o);
  return r;
}
function si(t) {
  let e = [];
  for (let r = 0; r < t.length; ++r) for (let o = 0; o < t[r].length; ++o) e.push(t[r][o]);
  return e;
}
var ai = {
  kernelName: Se,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e;
    return { a: () => A(r), b: () => A(o) };
  },
};
var ci = { kernelName: Et, gradFunc: (t) => ({ x: () => E(t, 'float32') }) };
var li = { kernelName: Wo, gradFunc: (t) => ({ x: () => A(t) }) };
var pi = { kernelName: Ko, gradFunc: (t) => ({ x: () => A(t) }) };
var ui = { kernelName: Vo, gradFunc: (t) => ({ x: () => A(t) }) };
function Dl(t, e) {
  let r = h(t, 'a', 'greater', 'string_or_numeric'),
    o = h(e, 'b', 'greater', 'string_or_numeric');
  (([r, o] = P(r, o)), G(r.shape, o.shape));
  let n = { a: r, b: o };
  return f.runKernel(Uo, n);
}
var it = d({ greater_: Dl });
var fi = {
  kernelName: ke,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { alpha: n } = r,
      s = it(o, 0);
    return { x: () => tt(s, t, w(t, n)) };
  },
};
var mi = {
  kernelName: Xo,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, K(r, 1)) };
  },
};
var hi = {
  kernelName: 'Log',
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, E(r, 'float32')) };
  },
};
var di = {
  kernelName: Yo,
  inputsToSave: [],
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { axis: n } = r;
    return {
      logits: () => {
        let i = xt(o);
        return O(t, w($(t, n, !0), i));
      },
    };
  },
};
function Fl(t, e, r, o = 5, n = 1, s = 1, i = 0.5) {
  let a = { x: t, y: e, dy: r },
    c = { depthRadius: o, bias: n, alpha: s, beta: i };
  return f.runKernel(Qo, a, c);
}
var gi = d({ localResponseNormalizationBackprop_: Fl });
var xi = {
  kernelName: 'LRN',
  inputsToSave: ['x'],
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { depthRadius: s, bias: i, alpha: a, beta: c } = r;
    return { x: () => gi(o, n, t, s, i, a, c) };
  },
};
function Cl(t, e) {
  let r = h(t, 'a', 'equal', 'string_or_numeric'),
    o = h(e, 'b', 'equal', 'string_or_numeric');
  (([r, o] = P(r, o)), G(r.shape, o.shape));
  let n = { a: r, b: o };
  return f.runKernel(Lo, n);
}
var wi = d({ equal_: Cl });
function pr(t, e, r, o) {
  return (e.rank < r.rank && (e = y(e, cr(e.shape, o))), t.rank < r.rank && (t = y(t, cr(t.shape, o))), { x: () => w(t, E(wi(r, e), t.dtype)) });
}
var Vr = {
  kernelName: 'Max',
  inputsToSave: ['x'],
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let o = r,
      { reductionIndices: n } = o,
      s = e[0],
      i = e[1],
      a = Z(n, s.shape),
      c = pr(t, i, s, a);
    return { x: () => c.x() };
  },
};
function Ml(t, e) {
  let r = h(t, 'a', 'less', 'string_or_numeric'),
    o = h(e, 'b', 'less', 'string_or_numeric');
  (([r, o] = P(r, o)), G(r.shape, o.shape));
  let n = { a: r, b: o };
  return f.runKernel(Ho, n);
}
var yi = d({ less_: Ml });
var bi = {
  kernelName: Ee,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e;
    return { a: () => w(t, E(Ft(r, o), 'float32')), b: () => w(t, E(yi(r, o), 'float32')) };
  },
};
function Bl(t, e, r, o, n, s, i) {
  let a = h(t, 'dy', 'maxPool3dGrad'),
    c = h(e, 'input', 'maxPool3dGrad'),
    l = h(r, 'output', 'maxPool3dGrad'),
    m = a,
    u = c,
    p = l,
    x = !1;
  (c.rank === 4 &&
    ((x = !0),
    (m = y(a, [1, a.shape[0], a.shape[1], a.shape[2], a.shape[3]])),
    (u = y(c, [1, c.shape[0], c.shape[1], c.shape[2], c.shape[3]])),
    (p = y(l, [1, l.shape[0], l.shape[1], l.shape[2], l.shape[3]]))),
    g(m.rank === 5, () => `Error in maxPool3dGrad: dy must be rank 5 but got rank ${m.rank}.`),
    g(u.rank === 5, () => `Error in maxPool3dGrad: input must be rank 5 but got rank ${u.rank}.`),
    g(p.rank === 5, () => `Error in maxPool3dGrad: output must be rank 5 but got rank ${p.rank}.`),
    V('maxPool3dGrad', s, i));
  let b = { dy: m, input: u, output: p },
    k = { filterSize: o, strides: n, pad: s, dimRoundingMode: i },
    T = f.runKernel(on, b, k);
  return x ? y(T, [T.shape[1], T.shape[2], T.shape[3], T.shape[4]]) : T;
}
var Si = d({ maxPool3dGrad_: Bl });
var ki = {
  kernelName: rn,
  inputsToSave: ['x'],
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { filterSize: s, strides: i, pad: a, dimRoundingMode: c } = r;
    return { x: () => Si(t, o, n, s, i, a, c) };
  },
};
function Rl(t, e, r, o, n, s, i) {
  let a = h(t, 'dy', 'maxPoolGrad'),
    c = h(e, 'input', 'maxPoolGrad'),
    l = h(r, 'output', 'maxPoolGrad');
  (g(c.rank === a.rank, () => `Rank of input (${c.rank}) does not match rank of dy (${a.rank})`),
    g(a.rank === 4, () => `Error in maxPoolGrad: dy must be rank 4 but got rank ${a.rank}.`),
    g(c.rank === 4, () => `Error in maxPoolGrad: input must be rank 4 but got rank ${c.rank}.`),
    V('maxPoolGrad', s, i));
  let m = { dy: a, input: c, output: l },
    u = { filterSize: o, strides: n, pad: s, dimRoundingMode: i };
  return f.runKernel(en, m, u);
}
var Ei = d({ maxPoolGrad_: Rl });
var Ti = {
  kernelName: tn,
  inputsToSave: ['x'],
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let [o, n] = e,
      { filterSize: s, strides: i, pad: a } = r;
    return { x: () => Ei(t, o, n, s, i, a) };
  },
};
function Bt(t, e = 'float32') {
  if ((dt(t), e === 'complex64')) {
    let o = Bt(t, 'float32'),
      n = Bt(t, 'float32');
    return Mt(o, n);
  }
  let r = Kt(_(t), e);
  return f.makeTensor(r, t, e);
}
function St(t, e = 'float32') {
  if ((dt(t), e === 'complex64')) {
    let o = St(t, 'float32'),
      n = Bt(t, 'float32');
    return Mt(o, n);
  }
  let r = Ke(_(t), e);
  return f.makeTensor(r, t, e);
}
var vi = {
  kernelName: nn,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { axis: n } = r,
      s = Z(n, o.shape),
      a = Wr(o.shape, s)[1],
      c = _(a);
    return {
      x: () => {
        let m = o.shape.slice();
        s.forEach((x) => {
          m[x] = 1;
        });
        let u = y(t, m);
        return D(w(u, St(o.shape, 'float32')), c);
      },
    };
  },
};
var Ii = {
  kernelName: 'Min',
  inputsToSave: ['x'],
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let o = r,
      { axis: n } = o,
      [s, i] = e,
      a = Z(n, s.shape),
      c = pr(t, i, s, a);
    return { x: () => c.x() };
  },
};
var Ai = {
  kernelName: sn,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e;
    return { a: () => w(t, E(Ct(r, o), 'float32')), b: () => w(t, E(it(r, o), 'float32')) };
  },
};
function _l(t, e, r) {
  let o = h(t, 'x', 'slice', 'string_or_numeric');
  if (o.rank === 0) throw new Error('Slicing scalar is not possible');
  let n = { x: o },
    s = { begin: e, size: r };
  return f.runKernel(Me, n, s);
}
var ut = d({ slice_: _l });
var $i = {
  kernelName: an,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let o = e[0],
      { paddings: n } = r,
      s = n.map((i) => i[0]);
    return { x: () => ut(t, s, o.shape) };
  },
};
function Pl(t) {
  let r = { x: h(t, 'x', 'floor', 'float32') };
  return f.runKernel(we, r);
}
var Ni = d({ floor_: Pl });
var Di = {
  kernelName: 'Mod',
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = C(r.shape, n);
        return a.length > 0 ? y($(t, a), r.shape) : t;
      },
      b: () => {
        let a = w(t, L(Ni(D(r, o)))),
          c = C(o.shape, n);
        return c.length > 0 ? y($(a, c), o.shape) : a;
      },
    };
  },
};
var Gi = {
  kernelName: Te,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = w(t, E(o, 'float32')),
          c = C(r.shape, n);
        return c.length > 0 ? y($(a, c), r.shape) : a;
      },
      b: () => {
        let a = w(t, E(r, 'float32')),
          c = C(o.shape, n);
        return c.length > 0 ? y($(a, c), o.shape) : a;
      },
    };
  },
};
var Fi = { kernelName: 'Neg', gradFunc: (t) => ({ x: () => L(t) }) };
var Ci = {
  kernelName: ln,
  inputsToSave: ['indices'],
  gradFunc: (t, e) => {
    let r = e[0];
    return { indices: () => Bt(r.shape, 'float32') };
  },
};
var Mi = { kernelName: cn, gradFunc: (t) => ({ x: () => A(t) }) };
function Ll(t, e = 0) {
  let r = h(t, 'x', 'unstack', 'string_or_numeric');
  g(e >= -r.shape.length && e < r.shape.length, () => `Axis = ${e} is not in [-${r.shape.length}, ${r.shape.length})`);
  let o = { value: r },
    n = { axis: e };
  return f.runKernel(Oe, o, n);
}
var Bi = d({ unstack_: Ll });
var Ri = {
  kernelName: ve,
  saveAllInputs: !0,
  gradFunc: (t, e, r) => {
    let { axis: o } = r;
    return Bi(t, o).map((s) => () => s);
  },
};
var Hr = {
  kernelName: Ie,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let o = e[0],
      { paddings: n } = r,
      s = n.map((i) => i[0]);
    return { x: () => ut(t, s, o.shape) };
  },
};
function Ol(t) {
  let r = { x: h(t, 'x', 'log', 'float32') };
  return f.runKernel('Log', r);
}
var _i = d({ log_: Ol });
function Ul(t, e) {
  let r = h(t, 'base', 'pow'),
    o = h(e, 'exp', 'pow');
  [r, o] = P(r, o);
  let n = { a: r, b: o };
  return f.runKernel('Pow', n);
}
var ur = d({ pow_: Ul });
var Pi = {
  kernelName: 'Pow',
  inputsToSave: ['a', 'b'],
  outputsToSave: [!0],
  gradFunc: (t, e) => {
    let [r, o, n] = e,
      s = r,
      i = o,
      a = G(s.shape, i.shape);
    return {
      a: () => {
        let m = E(i, 'float32'),
          u = w(t, w(m, ur(s, O(m, R(1))))),
          p = C(s.shape, a);
        return (p.length > 0 && (u = $(u, p)), y(u, s.shape));
      },
      b: () => {
        let m = it(s, 0),
          u = tt(m, _i(s), A(s)),
          p = w(t, w(n, u)),
          x = C(i.shape, a);
        return (x.length > 0 && (p = $(p, x)), y(p, i.shape));
      },
    };
  },
};
var Li = {
  kernelName: Ae,
  inputsToSave: ['x', 'alpha'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = it(r, 0);
    return {
      x: () => tt(n, t, w(t, o)),
      alpha: () => {
        let s = tt(n, A(t), w(t, r)),
          i = C(o.shape, t.shape);
        return (i.length > 0 && (s = $(s, i)), y(s, o.shape));
      },
    };
  },
};
function Oi() {
  return (typeof window < 'u' && window.document != null) || typeof WorkerGlobalScope < 'u';
}
var H = I();
H.registerFlag(
  'DEBUG',
  () => !1,
  (t) => {
    t &&
      console.warn(
        'Debugging mode is ON. The output of every math call will be downloaded to CPU and checked for NaNs. This significantly impacts performance.',
      );
  },
);
H.registerFlag('IS_BROWSER', () => Oi());
H.registerFlag('IS_NODE', () => typeof process < 'u' && typeof process.versions < 'u' && typeof process.versions.node < 'u');
H.registerFlag(
  'IS_CHROME',
  () => typeof navigator < 'u' && navigator != null && navigator.userAgent != null && /Chrome/.test(navigator.userAgent) && /Google Inc/.test(navigator.vendor),
);
H.registerFlag(
  'IS_SAFARI',
  () => typeof navigator < 'u' && navigator != null && navigator.userAgent != null && /Safari/.test(navigator.userAgent) && /Apple/.test(navigator.vendor),
);
H.registerFlag('PROD', () => !1);
H.registerFlag('TENSORLIKE_CHECK_SHAPE_CONSISTENCY', () => H.getBool('DEBUG'));
H.registerFlag('DEPRECATION_WARNINGS_ENABLED', () => !0);
H.registerFlag('IS_TEST', () => !1);
H.registerFlag('CHECK_COMPUTATION_FOR_ERRORS', () => H.getBool('DEBUG'));
H.registerFlag('WRAP_TO_IMAGEBITMAP', () => !1);
H.registerFlag('CANVAS2D_WILL_READ_FREQUENTLY_FOR_GPU', () => !1);
H.registerFlag('USE_SETTIMEOUTCUSTOM', () => !1);
var Y = class t {
  static join(e) {
    return new t(e).slice();
  }
  constructor(e) {
    if (
      ((this.shards = []),
      (this.previousShardIndex = 0),
      e == null || (e instanceof Array || (e = [e]), (e = e.map((o) => (q(o) ? o.buffer : o))), e.length === 0))
    )
      return;
    this.bufferUniformSize = e[0].byteLength;
    let r = 0;
    for (let o = 0; o < e.length; o++) {
      let n = e[o];
      o !== e.length - 1 && n.byteLength !== this.bufferUniformSize && (this.bufferUniformSize = void 0);
      let s = r + n.byteLength;
      (this.shards.push({ buffer: n, start: r, end: s }), (r = s));
    }
    (this.shards.length === 0 && (this.byteLength = 0), (this.byteLength = this.shards[this.shards.length - 1].end));
  }
  slice(e = 0, r = this.byteLength) {
    if (this.shards.length === 0) return new ArrayBuffer(0);
    if (((e = isNaN(Number(e)) ? 0 : e), (r = isNaN(Number(r)) ? 0 : r), (e = Math.max(0, e)), (r = Math.min(this.byteLength, r)), r <= e))
      return new ArrayBuffer(0);
    let o = this.findShardForByte(e);
    if (o === -1) throw new Error(`Could not find start shard for byte ${e}`);
    let n = r - e,
      s = new ArrayBuffer(n),
      i = new Uint8Array(s),
      a = 0;
    for (let c = o; c < this.shards.length; c++) {
      let l = this.shards[c],
        u = e + a - l.start,
        p = a,
        b = Math.min(r, l.end) - l.start,
        k = new Uint8Array(l.buffer, u, b - u);
      if ((i.set(k, p), (a += k.length), r < l.end)) break;
    }
    return s;
  }
  findShardForByte(e) {
    if (this.shards.length === 0 || e < 0 || e >= this.byteLength) return -1;
    if (this.bufferUniformSize != null) return ((this.previousShardIndex = Math.floor(e / this.bufferUniformSize)), this.previousShardIndex);
    function r(n) {
      return e < n.start ? -1 : e >= n.end ? 1 : 0;
    }
    if (r(this.shards[this.previousShardIndex]) === 0) return this.previousShardIndex;
    let o = Wl(this.shards, r);
    return o === -1 ? -1 : ((this.previousShardIndex = o), this.previousShardIndex);
  }
};
function Wl(t, e) {
  let r = 0,
    o = t.length;
  for (; r <= o;) {
    let n = Math.floor((o - r) / 2) + r,
      s = e(t[n]);
    if (s === 0) return n;
    s < 0 ? (o = n) : (r = n + 1);
  }
  return -1;
}
var jr = typeof Buffer < 'u' && (typeof Blob > 'u' || typeof atob > 'u' || typeof btoa > 'u');
function zi(t) {
  return jr ? Buffer.byteLength(t, 'utf8') : new Blob([t]).size;
}
function Ui(t) {
  if (jr) return Buffer.from(t).toString('base64');
  let e = new Uint8Array(t),
    r = '';
  for (let o = 0, n = e.length; o < n; o++) r += String.fromCharCode(e[o]);
  return btoa(r);
}
function qi(t) {
  if (jr) {
    let o = Buffer.from(t, 'base64');
    return o.buffer.slice(o.byteOffset, o.byteOffset + o.byteLength);
  }
  let e = atob(t),
    r = new Uint8Array(e.length);
  for (let o = 0; o < e.length; ++o) r.set([e.charCodeAt(o)], o);
  return r.buffer;
}
function fr(t, e) {
  let r = { modelTopology: t.modelTopology, format: t.format, generatedBy: t.generatedBy, convertedBy: t.convertedBy, weightsManifest: e };
  return (
    t.signature != null && (r.signature = t.signature),
    t.userDefinedMetadata != null && (r.userDefinedMetadata = t.userDefinedMetadata),
    t.modelInitializer != null && (r.modelInitializer = t.modelInitializer),
    t.initializerSignature != null && (r.initializerSignature = t.initializerSignature),
    t.trainingConfig != null && (r.trainingConfig = t.trainingConfig),
    r
  );
}
function Wi(t, e, r) {
  let o = { modelTopology: t.modelTopology, format: t.format, generatedBy: t.generatedBy, convertedBy: t.convertedBy };
  if ((t.trainingConfig != null && (o.trainingConfig = t.trainingConfig), t.weightsManifest != null)) {
    if (!e) throw new Error('modelJSON has weightsManifest but weightSpecs is null');
    if (!r) throw new Error('modelJSON has weightsManifest but weightData is null');
    ((o.weightSpecs = e), (o.weightData = r));
  }
  return (
    t.signature != null && (o.signature = t.signature),
    t.userDefinedMetadata != null && (o.userDefinedMetadata = t.userDefinedMetadata),
    t.modelInitializer != null && (o.modelInitializer = t.modelInitializer),
    t.initializerSignature != null && (o.initializerSignature = t.initializerSignature),
    o
  );
}
async function mr(t, e) {
  let r, o;
  return (t.weightsManifest != null && ([r, o] = await e(t.weightsManifest)), Wi(t, r, o));
}
function ft(t) {
  if (t.modelTopology instanceof ArrayBuffer) throw new Error('Expected JSON model topology, received ArrayBuffer.');
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: t.modelTopology == null ? 0 : zi(JSON.stringify(t.modelTopology)),
    weightSpecsBytes: t.weightSpecs == null ? 0 : zi(JSON.stringify(t.weightSpecs)),
    weightDataBytes: t.weightData == null ? 0 : new Y(t.weightData).byteLength,
  };
}
function hr(t) {
  let e = [];
  for (let r of t) e.push(...r.weights);
  return e;
}
var Q = class t {
  constructor() {
    ((this.saveRouters = []), (this.loadRouters = []));
  }
  static getInstance() {
    return (t.instance == null && (t.instance = new t()), t.instance);
  }
  static registerSaveRouter(e) {
    t.getInstance().saveRouters.push(e);
  }
  static registerLoadRouter(e) {
    t.getInstance().loadRouters.push(e);
  }
  static getSaveHandlers(e) {
    return t.getHandlers(e, 'save');
  }
  static getLoadHandlers(e, r) {
    return t.getHandlers(e, 'load', r);
  }
  static getHandlers(e, r, o) {
    let n = [];
    return (
      (r === 'load' ? t.getInstance().loadRouters : t.getInstance().saveRouters).forEach((i) => {
        let a = i(e, o);
        a !== null && n.push(a);
      }),
      n
    );
  }
};
var Vl = 'tensorflowjs',
  Hl = 1,
  ne = 'models_store',
  dr = 'model_info_store';
function jl() {
  if (!I().getBool('IS_BROWSER')) throw new Error('Failed to obtain IndexedDB factory because the current environmentis not a web browser.');
  let t = typeof window > 'u' ? self : window,
    e = t.indexedDB || t.mozIndexedDB || t.webkitIndexedDB || t.msIndexedDB || t.shimIndexedDB;
  if (e == null) throw new Error('The current browser does not appear to support IndexedDB.');
  return e;
}
function Xl(t) {
  let e = t.result;
  (e.createObjectStore(ne, { keyPath: 'modelPath' }), e.createObjectStore(dr, { keyPath: 'modelPath' }));
}
var Rt = class {
  constructor(e) {
    if (((this.indexedDB = jl()), e == null || !e)) throw new Error('For IndexedDB, modelPath must not be null, undefined or empty.');
    this.modelPath = e;
  }
  async save(e) {
    if (e.modelTopology instanceof ArrayBuffer) throw new Error('BrowserLocalStorage.save() does not support saving model topology in binary formats yet.');
    return this.databaseAction(this.modelPath, e);
  }
  async load() {
    return this.databaseAction(this.modelPath);
  }
  databaseAction(e, r) {
    return new Promise((o, n) => {
      let s = this.indexedDB.open(Vl, Hl);
      ((s.onupgradeneeded = () => Xl(s)),
        (s.onsuccess = () => {
          let i = s.result;
          if (r == null) {
            let a = i.transaction(ne, 'readonly'),
              l = a.objectStore(ne).get(this.modelPath);
            ((l.onsuccess = () => {
              if (l.result == null) return (i.close(), n(new Error(`Cannot find model with path '${this.modelPath}' in IndexedDB.`)));
              o(l.result.modelArtifacts);
            }),
              (l.onerror = (m) => (i.close(), n(l.error))),
              (a.oncomplete = () => i.close()));
          } else {
            r.weightData = Y.join(r.weightData);
            let a = ft(r),
              c = i.transaction(dr, 'readwrite'),
              l = c.objectStore(dr),
              m;
            try {
              m = l.put({ modelPath: this.modelPath, modelArtifactsInfo: a });
            } catch (p) {
              return n(p);
            }
            let u;
            ((m.onsuccess = () => {
              u = i.transaction(ne, 'readwrite');
              let p = u.objectStore(ne),
                x;
              try {
                x = p.put({ modelPath: this.modelPath, modelArtifacts: r, modelArtifactsInfo: a });
              } catch (b) {
                return n(b);
              }
              ((x.onsuccess = () => o({ modelArtifactsInfo: a })),
                (x.onerror = (b) => {
                  l = c.objectStore(dr);
                  let k = l.delete(this.modelPath);
                  ((k.onsuccess = () => (i.close(), n(x.error))), (k.onerror = (T) => (i.close(), n(x.error))));
                }));
            }),
              (m.onerror = (p) => (i.close(), n(m.error))),
              (c.oncomplete = () => {
                u == null ? i.close() : (u.oncomplete = () => i.close());
              }));
          }
        }),
        (s.onerror = (i) => n(s.error)));
    });
  }
};
Rt.URL_SCHEME = 'indexeddb://';
var Ki = (t) => (I().getBool('IS_BROWSER') && !Array.isArray(t) && t.startsWith(Rt.URL_SCHEME) ? Jl(t.slice(Rt.URL_SCHEME.length)) : null);
Q.registerSaveRouter(Ki);
Q.registerLoadRouter(Ki);
function Jl(t) {
  return new Rt(t);
}
var se = '/',
  ie = 'tensorflowjs_models',
  Zl = 'info',
  Yl = 'model_topology',
  Ql = 'weight_specs',
  tp = 'weight_data',
  ep = 'model_metadata';
function rp(t) {
  return {
    info: [ie, t, Zl].join(se),
    topology: [ie, t, Yl].join(se),
    weightSpecs: [ie, t, Ql].join(se),
    weightData: [ie, t, tp].join(se),
    modelMetadata: [ie, t, ep].join(se),
  };
}
function op(t) {
  for (let e of Object.values(t)) window.localStorage.removeItem(e);
}
var _t = class {
  constructor(e) {
    if (!I().getBool('IS_BROWSER') || typeof window > 'u' || typeof window.localStorage > 'u')
      throw new Error('The current environment does not support local storage.');
    if (((this.LS = window.localStorage), e == null || !e)) throw new Error('For local storage, modelPath must not be null, undefined or empty.');
    ((this.modelPath = e), (this.keys = rp(this.modelPath)));
  }
  async save(e) {
    if (e.modelTopology instanceof ArrayBuffer) throw new Error('BrowserLocalStorage.save() does not support saving model topology in binary formats yet.');
    {
      let r = JSON.stringify(e.modelTopology),
        o = JSON.stringify(e.weightSpecs),
        n = ft(e),
        s = Y.join(e.weightData);
      try {
        (this.LS.setItem(this.keys.info, JSON.stringify(n)),
          this.LS.setItem(this.keys.topology, r),
          this.LS.setItem(this.keys.weightSpecs, o),
          this.LS.setItem(this.keys.weightData, Ui(s)));
        let i = {
          format: e.format,
          generatedBy: e.generatedBy,
          convertedBy: e.convertedBy,
          signature: e.signature != null ? e.signature : void 0,
          userDefinedMetadata: e.userDefinedMetadata != null ? e.userDefinedMetadata : void 0,
          modelInitializer: e.modelInitializer != null ? e.modelInitializer : void 0,
          initializerSignature: e.initializerSignature != null ? e.initializerSignature : void 0,
          trainingConfig: e.trainingConfig != null ? e.trainingConfig : void 0,
        };
        return (this.LS.setItem(this.keys.modelMetadata, JSON.stringify(i)), { modelArtifactsInfo: n });
      } catch {
        throw (
          op(this.keys),
          new Error(
            `Failed to save model '${this.modelPath}' to local storage: size quota being exceeded is a possible cause of this failure: modelTopologyBytes=${n.modelTopologyBytes}, weightSpecsBytes=${n.weightSpecsBytes}, weightDataBytes=${n.weightDataBytes}.`,
          )
        );
      }
    }
  }
  async load() {
    let e = JSON.parse(this.LS.getItem(this.keys.info));
    if (e == null) throw new Error(`In local storage, there is no model with name '${this.modelPath}'`);
    if (e.modelTopologyType !== 'JSON') throw new Error('BrowserLocalStorage does not support loading non-JSON model topology yet.');
    let r = {},
      o = JSON.parse(this.LS.getItem(this.keys.topology));
    if (o == null) throw new Error(`In local storage, the topology of model '${this.modelPath}' is missing.`);
    r.modelTopology = o;
    let n = JSON.parse(this.LS.getItem(this.keys.weightSpecs));
    if (n == null) throw new Error(`In local storage, the weight specs of model '${this.modelPath}' are missing.`);
    r.weightSpecs = n;
    let s = this.LS.getItem(this.keys.modelMetadata);
    if (s != null) {
      let a = JSON.parse(s);
      ((r.format = a.format),
        (r.generatedBy = a.generatedBy),
        (r.convertedBy = a.convertedBy),
        a.signature != null && (r.signature = a.signature),
        a.userDefinedMetadata != null && (r.userDefinedMetadata = a.userDefinedMetadata),
        a.modelInitializer != null && (r.modelInitializer = a.modelInitializer),
        a.initializerSignature != null && (r.initializerSignature = a.initializerSignature),
        a.trainingConfig != null && (r.trainingConfig = a.trainingConfig));
    }
    let i = this.LS.getItem(this.keys.weightData);
    if (i == null) throw new Error(`In local storage, the binary weight values of model '${this.modelPath}' are missing.`);
    return ((r.weightData = qi(i)), r);
  }
};
_t.URL_SCHEME = 'localstorage://';
var Vi = (t) => (I().getBool('IS_BROWSER') && !Array.isArray(t) && t.startsWith(_t.URL_SCHEME) ? np(t.slice(_t.URL_SCHEME.length)) : null);
Q.registerSaveRouter(Vi);
Q.registerLoadRouter(Vi);
function np(t) {
  return new _t(t);
}
var sp = 'model',
  ip = '.json',
  ap = '.weights.bin';
function Hi(t) {
  return new Promise((e) => setTimeout(e)).then(t);
}
var Pt = class t {
  constructor(e) {
    if (!I().getBool('IS_BROWSER')) throw new Error('browserDownloads() cannot proceed because the current environment is not a browser.');
    (e.startsWith(t.URL_SCHEME) && (e = e.slice(t.URL_SCHEME.length)),
      (e == null || e.length === 0) && (e = sp),
      (this.modelJsonFileName = e + ip),
      (this.weightDataFileName = e + ap));
  }
  async save(e) {
    if (typeof document > 'u') throw new Error('Browser downloads are not supported in this environment since `document` is not present');
    let r = Y.join(e.weightData),
      o = window.URL.createObjectURL(new Blob([r], { type: 'application/octet-stream' }));
    if (e.modelTopology instanceof ArrayBuffer) throw new Error('BrowserDownloads.save() does not support saving model topology in binary formats yet.');
    {
      let n = [{ paths: ['./' + this.weightDataFileName], weights: e.weightSpecs }],
        s = fr(e, n),
        i = window.URL.createObjectURL(new Blob([JSON.stringify(s)], { type: 'application/json' })),
        a = this.modelJsonAnchor == null ? document.createElement('a') : this.modelJsonAnchor;
      if (((a.download = this.modelJsonFileName), (a.href = i), await Hi(() => a.dispatchEvent(new MouseEvent('click'))), e.weightData != null)) {
        let c = this.weightDataAnchor == null ? document.createElement('a') : this.weightDataAnchor;
        ((c.download = this.weightDataFileName), (c.href = o), await Hi(() => c.dispatchEvent(new MouseEvent('click'))));
      }
      return { modelArtifactsInfo: ft(e) };
    }
  }
};
Pt.URL_SCHEME = 'downloads://';
var cp = (t) => (I().getBool('IS_BROWSER') && !Array.isArray(t) && t.startsWith(Pt.URL_SCHEME) ? lp(t.slice(Pt.URL_SCHEME.length)) : null);
Q.registerSaveRouter(cp);
function lp(t = 'model') {
  return new Pt(t);
}
function Xr(t, e, r, o) {
  (i(t), (r = r ?? 0), (o = o ?? 1), a(r, o));
  let n = 0,
    s = (c) => (
      c.then((l) => {
        let m = r + (++n / t.length) * (o - r);
        return (e(m), l);
      }),
      c
    );
  function i(c) {
    g(c != null && Array.isArray(c) && c.length > 0, () => 'promises must be a none empty array');
  }
  function a(c, l) {
    (g(c >= 0 && c <= 1, () => `Progress fraction must be in range [0, 1], but got startFraction ${c}`),
      g(l >= 0 && l <= 1, () => `Progress fraction must be in range [0, 1], but got endFraction ${l}`),
      g(l >= c, () => `startFraction must be no more than endFraction, but got startFraction ${c} and endFraction ${l}`));
  }
  return Promise.all(t.map(s));
}
async function ji(t, e) {
  e == null && (e = {});
  let r = e.fetchFunc == null ? I().platform.fetch : e.fetchFunc,
    o = t.map((u) => r(u, e.requestInit, { isBinary: !0 })),
    a = (e.onProgress == null ? await Promise.all(o) : await Xr(o, e.onProgress, 0, 0.5)).map((u) => u.arrayBuffer());
  return e.onProgress == null ? await Promise.all(a) : await Xr(a, e.onProgress, 0.5, 1);
}
function Xi(t, e) {
  var r;
  let o = e.fetchFunc == null ? I().platform.fetch : e.fetchFunc,
    n = 0,
    s;
  return (
    (r = e.onProgress) === null || r === void 0 || r.call(e, 0),
    new ReadableStream({
      pull: async (i) => {
        for (var a; n < t.length;) {
          s || (s = (await o(t[n], e.requestInit, { isBinary: !0 })).body.getReader());
          let { done: c, value: l } = await s.read();
          if (c) {
            (n++, (s = void 0), (a = e.onProgress) === null || a === void 0 || a.call(e, n / t.length));
            continue;
          }
          i.enqueue(l);
          return;
        }
        i.close();
      },
    })
  );
}
var up = 'application/octet-stream',
  fp = 'application/json',
  ae = class {
    constructor(e, r) {
      if (
        ((this.DEFAULT_METHOD = 'POST'),
        r == null && (r = {}),
        (this.weightPathPrefix = r.weightPathPrefix),
        (this.weightUrlConverter = r.weightUrlConverter),
        r.fetchFunc != null
          ? (g(
              typeof r.fetchFunc == 'function',
              () => 'Must pass a function that matches the signature of `fetch` (see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API)',
            ),
            (this.fetch = r.fetchFunc))
          : (this.fetch = I().platform.fetch),
        g(e != null && e.length > 0, () => 'URL path for http must not be null, undefined or empty.'),
        Array.isArray(e) && g(e.length === 2, () => `URL paths for http must have a length of 2, (actual length is ${e.length}).`),
        (this.path = e),
        r.requestInit != null && r.requestInit.body != null)
      )
        throw new Error('requestInit is expected to have no pre-existing body, but has one.');
      ((this.requestInit = r.requestInit || {}), (this.loadOptions = r));
    }
    async save(e) {
      if (e.modelTopology instanceof ArrayBuffer) throw new Error('BrowserHTTPRequest.save() does not support saving model topology in binary formats yet.');
      let r = Object.assign({ method: this.DEFAULT_METHOD }, this.requestInit);
      r.body = new FormData();
      let o = [{ paths: ['./model.weights.bin'], weights: e.weightSpecs }],
        n = fr(e, o);
      if ((r.body.append('model.json', new Blob([JSON.stringify(n)], { type: fp }), 'model.json'), e.weightData != null)) {
        let i = Y.join(e.weightData);
        r.body.append('model.weights.bin', new Blob([i], { type: up }), 'model.weights.bin');
      }
      let s = await this.fetch(this.path, r);
      if (s.ok) return { modelArtifactsInfo: ft(e), responses: [s] };
      throw new Error(`BrowserHTTPRequest.save() failed due to HTTP response status ${s.status}.`);
    }
    async loadModelJSON() {
      let e = await this.fetch(this.path, this.requestInit);
      if (!e.ok)
        throw new Error(`Request to ${this.path} failed with status code ${e.status}. Please verify this URL points to the model JSON of the model to load.`);
      let r;
      try {
        r = await e.json();
      } catch {
        let i = `Failed to parse model JSON of response from ${this.path}.`;
        throw (
          this.path.endsWith('.pb')
            ? (i +=
                " Your path contains a .pb file extension. Support for .pb models have been removed in TensorFlow.js 1.0 in favor of .json models. You can re-convert your Python TensorFlow model using the TensorFlow.js 1.0 conversion scripts or you can convert your.pb models with the 'pb2json'NPM script in the tensorflow/tfjs-converter repository.")
            : (i += ' Please make sure the server is serving valid JSON for this request.'),
          new Error(i)
        );
      }
      let o = r.modelTopology,
        n = r.weightsManifest;
      if (o == null && n == null) throw new Error(`The JSON from HTTP path ${this.path} contains neither model topology or manifest for weights.`);
      return r;
    }
    async load() {
      if (this.loadOptions.streamWeights) return this.loadStream();
      let e = await this.loadModelJSON();
      return mr(e, (r) => this.loadWeights(r));
    }
    async loadStream() {
      let e = await this.loadModelJSON(),
        r = await this.getWeightUrls(e.weightsManifest),
        o = hr(e.weightsManifest),
        n = () => Xi(r, this.loadOptions);
      return Object.assign(Object.assign({}, e), { weightSpecs: o, getWeightStream: n });
    }
    async getWeightUrls(e) {
      let r = Array.isArray(this.path) ? this.path[1] : this.path,
        [o, n] = mp(r),
        s = this.weightPathPrefix || o,
        i = [],
        a = [];
      for (let c of e) for (let l of c.paths) this.weightUrlConverter != null ? a.push(this.weightUrlConverter(l)) : i.push(s + l + n);
      return (this.weightUrlConverter && i.push(...(await Promise.all(a))), i);
    }
    async loadWeights(e) {
      let r = await this.getWeightUrls(e),
        o = hr(e),
        n = await ji(r, this.loadOptions);
      return [o, n];
    }
  };
ae.URL_SCHEME_REGEX = /^https?:\/\//;
function mp(t) {
  let e = t.lastIndexOf('/'),
    r = t.lastIndexOf('?'),
    o = t.substring(0, e),
    n = r > e ? t.substring(r) : '';
  return [o + '/', n];
}
function Jr(t) {
  return t.match(ae.URL_SCHEME_REGEX) != null;
}
var Ji = (t, e) => {
  if (typeof fetch > 'u' && (e == null || e.fetchFunc == null)) return null;
  {
    let r = !0;
    if ((Array.isArray(t) ? (r = t.every((o) => Jr(o))) : (r = Jr(t)), r)) return Zi(t, e);
  }
  return null;
};
Q.registerSaveRouter(Ji);
Q.registerLoadRouter(Ji);
function Zi(t, e) {
  return new ae(t, e);
}
function dp(t, e) {
  let r = t.shape.length,
    o = e.shape.length;
  if (r < 1) throw new Error(`tf.gatherND() expects the input to be rank 1 or higher, but the rank was ${r}.`);
  if (o < 1) throw new Error(`tf.gatherND() expects the indices to be rank 1 or higher, but the rank was ${o}.`);
  if (e.dtype !== 'int32') throw new Error(`tf.gatherND() expects the indices to be int32 type, but the dtype was ${e.dtype}.`);
  if (e.shape[o - 1] > r) throw new Error(`index innermost dimension length must be <= tensor rank; saw: ${e.shape[o - 1]} vs. ${r}`);
  if (_(t.shape) === 0) throw new Error(`Requested more than 0 entries, but input is empty. Input shape: ${t.shape}.`);
  let n = e.shape,
    s = n[n.length - 1],
    i = 1;
  for (let u = 0; u < n.length - 1; ++u) i *= n[u];
  let a = t.shape,
    c = n.slice();
  c.pop();
  let l = 1;
  for (let u = s; u < r; ++u) ((l *= a[u]), c.push(a[u]));
  let m = [...ht(t.shape).map((u) => u / l), 1].slice(0, s);
  return [c, i, l, m];
}
function Yi(t, e, r) {
  let o = e.rank > 1 ? e.shape[e.rank - 1] : 1,
    n = e.rank > 1 ? e.rank - 1 : 1,
    s = `Must have updates.shape = indices.shape[:batchDim] + shape[sliceDim:], got updates.shape: ${r.shape}, indices.shape: ${e.shape}, shape: ${t}, sliceDim: ${o}, and batchDim: ${n}.`;
  if (r.rank < n) throw new Error(s + ` update.rank < ${n}. `);
  if (t.length < o + (r.rank - n)) throw new Error(s + ` Output shape length < ${o + (r.rank - n)}`);
  if (r.rank !== n + t.length - o) throw new Error(s + ` update.rank != ${n + t.length - o}`);
  for (let i = 0; i < n; ++i)
    if (r.shape[i] !== e.shape[i]) throw new Error(s + ` updates.shape[${i}] (${r.shape[i]}) != indices.shape[${i}] (${e.shape[i]}).`);
  for (let i = 0; i < r.rank - n; ++i)
    if (r.shape[i + n] !== t[i + o]) throw new Error(s + ` updates.shape[${i + n}] (${r.shape[i + n]}) != shape[${i + n}] (${t[i + n]})`);
}
function gp(t, e, r) {
  if (e.rank < 1) throw new Error(`tf.scatterND() expects the indices to be rank 1 or higher, but the rank was ${e.rank}.`);
  if (t.rank < 1) throw new Error(`tf.scatterND() expects the updates to be rank 1 or higher, but the rank was ${t.rank}.`);
  if (e.dtype !== 'int32') throw new Error(`The dtype of 'indices' should be int32, but got dtype: ${e.dtype}`);
  if (r.length < 1) throw new Error(`Output rank must be greater or equal to 1, but got shape: ${r}`);
  if (r.length === 0) {
    if (e.size === 0) throw new Error(`Indices specified for empty output. indices shape: ${e.shape}`);
    if (t.size === 0) throw new Error(`Updates specified for empty output. updates shape: ${t.shape}`);
  }
  Yi(r, e, t);
}
function xp(t, e, r) {
  let o = e.shape.length,
    n = o > 1 ? e.shape[o - 1] : 1,
    s = r.length,
    i = 1;
  for (let u = n; u < s; ++u) i *= r[u];
  let a = n < 1 ? 1 : n,
    c = _(e.shape) / a,
    l = [...ht(r.slice(0, n)), 1],
    m = _(r);
  return { sliceRank: n, numUpdates: c, sliceSize: i, strides: l, outputSize: m };
}
var Qr = {};
kr(Qr, {
  assertParamsValid: () => yp,
  computeFlatOffset: () => Tp,
  computeOutShape: () => Sp,
  getNormalizedAxes: () => kp,
  isSliceContinous: () => Ep,
  maskToAxes: () => bp,
  parseSliceParams: () => Yr,
  sliceInfo: () => vp,
  startForAxis: () => ia,
  startIndicesWithElidedDims: () => oa,
  stopForAxis: () => aa,
  stopIndicesWithElidedDims: () => na,
  stridesForAxis: () => sa,
  stridesWithElidedDims: () => ta,
});
var Zr = -2,
  wp = -1;
function yp(t, e, r) {
  let o = t.shape.length;
  (g(o === e.length, () => `Error in slice${o}D: Length of begin ${e} must match the rank of the array (${o}).`),
    g(o === r.length, () => `Error in slice${o}D: Length of size ${r} must match the rank of the array (${o}).`));
  for (let n = 0; n < o; ++n)
    g(e[n] + r[n] <= t.shape[n], () => `Error in slice${o}D: begin[${n}] + size[${n}] (${e[n] + r[n]}) would overflow input.shape[${n}] (${t.shape[n]})`);
}
function bp(t) {
  let e = [],
    r = 0;
  for (; t > 0;) (t & 1 && e.push(r), (t /= 2), r++);
  return e;
}
function Sp(t, e, r) {
  let o = [];
  for (let n = 0; n < t.length; n++) o[n] = Math.ceil((e[n] - t[n]) / r[n]);
  return o;
}
function ta(t, e, r, o) {
  let n = [...t];
  for (let s = n.length; s < o.length; s++) n.push(1);
  for (let s = 0; s < r; s++) s === 0 ? (n[e] = 1) : (n.splice(e, 0, 1), n.pop());
  return n;
}
function ea(t, e, r) {
  return r <= t ? r : r - (e - 1);
}
function ra(t, e) {
  let r = [];
  for (let o = 0; o < t; o++) r.push(e + o);
  return r;
}
function kp(t, e, r, o, n, s, i, a, c) {
  let l = t.length,
    m = new Array(l),
    u = new Array(l),
    p = new Array(l);
  if (e.length && r > 0) {
    let x = e[0],
      b = r + 1;
    ((m = oa(i, x, b, o, t)), (u = na(a, x, b, n, t)), (p = ta(s, x, b, t)));
  } else for (let x = 0; x < l; x++) ((m[x] = ia(i, o, s, t, x, c)), (u[x] = aa(a, n, s, t, x, c)), (p[x] = sa(s, x, c)));
  return { begin: m, end: u, strides: p };
}
function oa(t, e, r, o, n) {
  let s = [...n],
    i = ra(r, e);
  for (let a = 0; a < s.length; a++)
    if (i.indexOf(a) > -1) s[a] = 0;
    else {
      let c = ea(e, r, a),
        l = o[c];
      (t & (1 << c) && (l = 0), (s[a] = l));
    }
  return s;
}
function na(t, e, r, o, n) {
  let s = [...n],
    i = ra(r, e);
  for (let a = 0; a < s.length; a++)
    if (i.indexOf(a) > -1) s[a] = Number.MAX_SAFE_INTEGER;
    else {
      let c = ea(e, r, a),
        l = o[c];
      (t & (1 << c) && (l = Number.MAX_SAFE_INTEGER), (s[a] = l));
    }
  for (let a = 0; a < s.length; a++) {
    let c = n[a];
    (s[a] < 0 && (s[a] += c), (s[a] = Lt(0, s[a], n[a])));
  }
  return s;
}
function sa(t, e, r) {
  let o = t[e];
  return ((r & (1 << e) || o == null) && (o = 1), o);
}
function ia(t, e, r, o, n, s) {
  let i = e[n],
    a = r[n] || 1;
  (t & (1 << n) || s & (1 << n) || i == null) && (a > 0 ? (i = Number.MIN_SAFE_INTEGER) : (i = Number.MAX_SAFE_INTEGER));
  let c = o[n];
  return (i < 0 && (i += c), (i = Lt(0, i, c - 1)), i);
}
function aa(t, e, r, o, n, s) {
  let i = e[n],
    a = r[n] || 1;
  (t & (1 << n) || s & (1 << n) || i == null) && (a > 0 ? (i = Number.MAX_SAFE_INTEGER) : (i = Number.MIN_SAFE_INTEGER));
  let c = o[n];
  return (i < 0 && (i += c), a > 0 ? (i = Lt(0, i, c)) : (i = Lt(-1, i, c - 1)), i);
}
function Ep(t, e, r) {
  let o = r.length;
  for (let n = 0; n < r.length; n++)
    if (r[n] > 1) {
      o = n;
      break;
    }
  for (let n = o + 1; n < r.length; n++) if (e[n] > 0 || r[n] !== t[n]) return !1;
  return !0;
}
function Tp(t, e) {
  let r = t.length > 0 ? t[t.length - 1] : 1;
  for (let o = 0; o < t.length - 1; o++) r += t[o] * e[o];
  return r;
}
function Yr(t, e, r) {
  let o,
    n = t.shape.length;
  (typeof e == 'number' ? (o = [e, ...new Array(n - 1).fill(0)]) : e.length < n ? (o = e.concat(new Array(n - e.length).fill(0))) : (o = e.slice()),
    o.forEach((i) => {
      g(i !== -1, () => 'slice() does not support negative begin indexing.');
    }));
  let s;
  return (
    r == null
      ? (s = new Array(n).fill(-1))
      : typeof r == 'number'
        ? (s = [r, ...new Array(n - 1).fill(-1)])
        : r.length < n
          ? (s = r.concat(new Array(n - r.length).fill(-1)))
          : (s = r),
    (s = s.map((i, a) =>
      i >= 0 ? i : (g(i === -1, () => `Negative size values should be exactly -1 but got ${i} for the slice() size at index ${a}.`), t.shape[a] - o[a]),
    )),
    [o, s]
  );
}
function vp(t, e, r, o, n, s, i, a, c) {
  let l;
  if ((o == null ? ((l = new Array(e.length)), l.fill(1)) : (l = o), i != null && (i & (i - 1)) !== 0))
    throw new Error('Multiple ellipses in slice is not allowed.');
  let m = !1,
    u = {
      dims: l.length,
      numAddAxisAfterEllipsis: 0,
      begin: e.slice(),
      end: r.slice(),
      strides: l.slice(),
      beginMask: n,
      endMask: s,
      ellipsisMask: i,
      newAxisMask: a,
      shrinkAxisMask: c,
    };
  for (let S = 0; S < u.dims; S++) (m && ((1 << S) & a) !== 0 && u.numAddAxisAfterEllipsis++, (1 << S) & i && (m = !0));
  m || ((u.ellipsisMask |= 1 << u.dims), u.dims++);
  let p = { dims: t.length, beginMask: 0, endMask: 0, beginValid: !1, endValid: !1 };
  Ip(u, p);
  let x = !0,
    b = !0,
    k = !0,
    T = [],
    N = [];
  for (let S = 0; S < t.length; ++S) {
    if (p.strides[S] === 0) throw Error(`strides[${S}] must be non-zero`);
    let v = !!(p.shrinkAxisMask & (1 << S)),
      M = t[S];
    if (M === -1) {
      T.push(v ? 1 : -1);
      continue;
    }
    let j = [p.beginMask & (1 << S), p.endMask & (1 << S)],
      X = [p.strides[S] > 0 ? 0 : -1, p.strides[S] > 0 ? M : M - 1];
    if (v && p.strides[S] <= 0) throw Error('only stride 1 allowed on non-range indexing.');
    k = k && p.strides[S] === 1;
    let et = !!(p.beginMask & (1 << S) && p.endMask & (1 << S));
    if (p.beginValid && p.endValid) {
      if (v) {
        let wt = p.begin[S] < 0 ? M + p.begin[S] : p.begin[S];
        if (((p.begin[S] = wt), (p.end[S] = p.begin[S] + 1), wt < 0 || wt >= M)) throw Error(`slice index ${p.begin[S]} of dimension ${S} out of bounds.`);
      } else ((p.begin[S] = Qi(p.begin[S], 0, p.strides[S], M, j, X)), (p.end[S] = Qi(p.end[S], 1, p.strides[S], M, j, X)));
      let rt = p.strides[S] === 1 && p.begin[S] === 0 && p.end[S] === M;
      ((x = x && rt), (b = b && ((S === 0 && p.strides[S] === 1) || rt)));
    } else ((x = x && p.strides[S] === 1 && et), (b = b && ((S === 0 && p.strides[S] === 1) || et)));
    let z,
      mt = !1;
    if (
      (p.beginValid && p.endValid
        ? ((z = p.end[S] - p.begin[S]), (mt = !0))
        : v
          ? ((z = 1), (mt = !0))
          : et && M >= 0 && (p.strides[S] < 0 ? (z = -M) : (z = M), (mt = !0)),
      mt)
    ) {
      let rt;
      (z === 0 || z < 0 != p.strides[S] < 0 ? (rt = 0) : (rt = Math.trunc(z / p.strides[S]) + (z % p.strides[S] !== 0 ? 1 : 0)), T.push(rt));
    } else T.push(-1);
  }
  for (let S = 0; S < p.finalShapeGatherIndices.length; ++S) {
    let v = p.finalShapeGatherIndices[S];
    v >= 0 ? N.push(T[v]) : v === Zr && N.push(1);
  }
  return {
    finalShapeSparse: N.filter((S, v) => p.finalShapeGatherIndices[v] !== Zr),
    finalShape: N,
    isIdentity: x,
    sliceDim0: b,
    isSimpleSlice: k,
    begin: p.begin,
    end: p.end,
    strides: p.strides,
  };
}
function Ip(t, e) {
  ((e.beginMask = 0), (e.endMask = 0), (e.shrinkAxisMask = 0));
  let r = 0;
  ((e.beginValid = t.begin != null),
    (e.endValid = t.end != null),
    (e.begin = new Array(e.dims)),
    (e.end = new Array(e.dims)),
    (e.strides = new Array(e.dims)),
    (e.finalShapeGatherIndices = []),
    (e.finalShapeGatherIndicesSparse = []),
    (e.inputShapeGatherIndicesSparse = new Array(e.dims)));
  for (let o = 0; o < t.dims; o++)
    if ((1 << o) & t.ellipsisMask) {
      let n = Math.min(e.dims - (t.dims - o) + 1 + t.numAddAxisAfterEllipsis, e.dims);
      for (; r < n; r++)
        ((e.begin[r] = 0),
          (e.end[r] = 0),
          (e.strides[r] = 1),
          (e.beginMask |= 1 << r),
          (e.endMask |= 1 << r),
          e.finalShapeGatherIndices.push(r),
          e.finalShapeGatherIndicesSparse.push(-1),
          (e.inputShapeGatherIndicesSparse[r] = o));
    } else if ((1 << o) & t.newAxisMask) (e.finalShapeGatherIndices.push(Zr), e.finalShapeGatherIndicesSparse.push(-1));
    else {
      if (r === e.begin.length) throw Error(`Index out of range using input dim ${r}; input has only ${e.dims} dims, ${e.begin.length}.`);
      (t.begin != null && (e.begin[r] = t.begin[o]),
        t.end != null && (e.end[r] = t.end[o]),
        (e.strides[r] = t.strides[o]),
        t.beginMask & (1 << o) && (e.beginMask |= 1 << r),
        t.endMask & (1 << o) && (e.endMask |= 1 << r),
        t.shrinkAxisMask & (1 << o)
          ? (e.finalShapeGatherIndices.push(wp), e.finalShapeGatherIndicesSparse.push(-1), (e.shrinkAxisMask |= 1 << r))
          : (e.finalShapeGatherIndices.push(r), e.finalShapeGatherIndicesSparse.push(o)),
        (e.inputShapeGatherIndicesSparse[r] = o),
        r++);
    }
}
function Qi(t, e, r, o, n, s) {
  if (n[e]) return r > 0 ? s[e] : s[(e + 1) & 1];
  {
    let i = t < 0 ? o + t : t;
    return i < s[0] ? s[0] : i > s[1] ? s[1] : i;
  }
}
function Ap(t, e = 0) {
  g(t.length >= 1, () => 'Pass at least one tensor to concat');
  let r = er(t, 'tensors', 'concat', 'string_or_numeric');
  if (
    (r[0].dtype === 'complex64' &&
      r.forEach((s) => {
        if (s.dtype !== 'complex64')
          throw new Error(`Cannot concatenate complex64 tensors with a tensor
          with dtype ${s.dtype}. `);
      }),
    r.length === 1)
  )
    return sr(r[0]);
  let o = r,
    n = { axis: e };
  return f.runKernel(ue, o, n);
}
var ca = d({ concat_: Ap });
function $p(t) {
  let r = { x: h(t, 'x', 'sigmoid', 'float32') };
  return f.runKernel(Re, r);
}
var gr = d({ sigmoid_: $p });
function Np(t, e, r) {
  let o = h(t, 'x', 'batchToSpaceND'),
    n = e.reduce((a, c) => a * c);
  (g(o.rank >= 1 + e.length, () => `input rank is ${o.rank} but should be > than blockShape.length ${e.length}`),
    g(r.length === e.length, () => `crops.length is ${r.length} but should be equal to blockShape.length  ${e.length}`),
    g(
      o.shape[0] % n === 0,
      () => `input tensor batch is ${o.shape[0]} but is not divisible by the product of the elements of blockShape ${e.join(' * ')} === ${n}`,
    ));
  let s = { x: o },
    i = { blockShape: e, crops: r };
  return f.runKernel(pe, s, i);
}
var la = d({ batchToSpaceND_: Np });
function Dp(t) {
  let r = { x: h(t, 'x', 'cos', 'float32') };
  return f.runKernel('Cos', r);
}
var xr = d({ cos_: Dp });
function Gp(t) {
  let r = { x: h(t, 'x', 'cosh', 'float32') };
  return f.runKernel(he, r);
}
var pa = d({ cosh_: Gp });
function Fp(t, e = 0, r = !1, o = !1) {
  let s = { x: h(t, 'x', 'cumprod') },
    i = { axis: e, exclusive: r, reverse: o };
  return f.runKernel(Go, s, i);
}
var to = d({ cumprod_: Fp });
function Cp(t) {
  let r = { x: h(t, 'x', 'elu', 'float32') };
  return f.runKernel('Elu', r);
}
var ua = d({ elu_: Cp });
function Mp(t, e = 0) {
  let r = h(t, 'x', 'expandDims', 'string_or_numeric');
  g(e <= r.rank, () => 'Axis must be <= rank of the tensor');
  let o = { input: r },
    n = { dim: e };
  return f.runKernel(xe, o, n);
}
var fa = d({ expandDims_: Mp });
function Bp(t, e, r = 0, o = 0) {
  let n = h(t, 'x', 'gather'),
    s = h(e, 'indices', 'gather', 'int32'),
    i = { x: n, indices: s },
    a = { axis: r, batchDims: o };
  return f.runKernel(be, i, a);
}
var ma = d({ gather_: Bp });
function Rp(t, e = 0.2) {
  let o = { x: h(t, 'x', 'leakyRelu') },
    n = { alpha: e };
  return f.runKernel(ke, o, n);
}
var ha = d({ leakyRelu_: Rp });
function _p(t) {
  let r = { x: h(t, 'x', 'logicalNot', 'bool') };
  return f.runKernel(Zo, r);
}
var da = d({ logicalNot_: _p });
function Pp(t, e) {
  let r = h(t, 'a', 'maximum'),
    o = h(e, 'b', 'maximum');
  (([r, o] = P(r, o)), r.dtype === 'bool' && ((r = E(r, 'int32')), (o = E(o, 'int32'))), G(r.shape, o.shape));
  let n = { a: r, b: o };
  return f.runKernel(Ee, n);
}
var ga = d({ maximum_: Pp });
function Lp(t, e, r = 0) {
  let o = h(t, 'x', 'pad');
  if (o.rank === 0) throw new Error('pad(scalar) is not defined. Pass non-scalar to pad');
  let n = { paddings: e, constantValue: r },
    s = { x: o };
  return f.runKernel(Ie, s, n);
}
var xa = d({ pad_: Lp });
function Op(t, e) {
  let r = h(t, 'x', 'prelu'),
    o = h(e, 'alpha', 'prelu'),
    n = { x: r, alpha: o };
  return f.runKernel(Ae, n);
}
var wa = d({ prelu_: Op });
function zp(t) {
  let r = { x: h(t, 'x', 'relu') };
  return f.runKernel($e, r);
}
var ya = d({ relu_: zp });
function Up(t) {
  let r = { x: h(t, 'x', 'relu6') };
  return f.runKernel(De, r);
}
var ba = d({ relu6_: Up });
function qp(t, e) {
  let o = { x: h(t, 'x', 'reverse') },
    n = { dims: e };
  return f.runKernel(Ge, o, n);
}
var Sa = d({ reverse_: qp });
function Wp(t, e, r) {
  if (r == null || r === 'linear') return t;
  if (r === 'relu') return w(t, gt(e));
  throw new Error(`Cannot compute gradient for fused activation ${r}.`);
}
function Kp(t, e) {
  let r = e,
    o = C(t.shape, e.shape);
  return (o.length > 0 && (r = $(r, o)), y(r, t.shape));
}
function Vp(t, e, r, o) {
  if (e === 'linear') return t;
  if (e === 'relu') return ya(t);
  if (e === 'elu') return ua(t);
  if (e === 'relu6') return ba(t);
  if (e === 'prelu') return wa(t, r);
  if (e === 'leakyrelu') return ha(t, o);
  if (e === 'sigmoid') return gr(t);
  throw new Error(`Unknown fused activation ${e}.`);
}
var Hp = (t, e) => !(t > 0) || e === 'linear';
var ce = {};
kr(ce, {
  ERF_A1: () => cu,
  ERF_A2: () => lu,
  ERF_A3: () => pu,
  ERF_A4: () => uu,
  ERF_A5: () => fu,
  ERF_P: () => au,
  PARALLELIZE_THRESHOLD: () => wr,
  RowPartitionType: () => at,
  SELU_SCALE: () => ro,
  SELU_SCALEALPHA: () => eo,
  applyActivation: () => Vp,
  assertAndGetBroadcastShape: () => G,
  assertAxesAreInnerMostDims: () => hl,
  assertParamsConsistent: () => jp,
  assignToTypedArray: () => wu,
  axesAreInnerMostDims: () => qr,
  calculateShapes: () => xp,
  checkEinsumDimSizes: () => Tu,
  checkPadOnDimRoundingMode: () => V,
  combineLocations: () => Bs,
  combineRaggedTensorToTensorShapes: () => Jp,
  complexWithEvenIndex: () => du,
  complexWithOddIndex: () => gu,
  computeConv2DInfo: () => zr,
  computeConv3DInfo: () => cs,
  computeDefaultPad: () => Ur,
  computeDilation2DInfo: () => zc,
  computeOptimalWindowSize: () => tu,
  computeOutAndReduceShapes: () => Wr,
  computeOutShape: () => Xp,
  computePool2DInfo: () => Uc,
  computePool3DInfo: () => qc,
  convertConv2DDataFormat: () => ls,
  decodeEinsumEquation: () => ku,
  eitherStridesOrDilationsAreOne: () => re,
  expandShapeToKeepDim: () => cr,
  exponent: () => bu,
  exponents: () => yu,
  fromStringArrayToUint8: () => Ku,
  fromUint8ToStringArray: () => Wu,
  getAxesPermutation: () => Kr,
  getBroadcastDims: () => Bc,
  getComplexWithIndex: () => xu,
  getEinsumComputePath: () => vu,
  getEinsumPermutation: () => Eu,
  getFusedBiasGradient: () => Kp,
  getFusedDyActivation: () => Wp,
  getImageCenter: () => eu,
  getInnerMostAxes: () => dl,
  getPermuted: () => ou,
  getRaggedRank: () => Yp,
  getReductionAxes: () => C,
  getReshaped: () => ru,
  getReshapedPermuted: () => nu,
  getRowPartitionTypesHelper: () => Zp,
  getSliceBeginCoords: () => su,
  getSliceSize: () => iu,
  getSparseFillEmptyRowsIndicesDenseShapeMismatch: () => Nu,
  getSparseFillEmptyRowsNegativeIndexErrorMessage: () => Du,
  getSparseFillEmptyRowsOutOfRangeIndexErrorMessage: () => Gu,
  getSparseReshapeEmptyTensorZeroOutputDimErrorMessage: () => Mu,
  getSparseReshapeInputOutputMismatchErrorMessage: () => Ru,
  getSparseReshapeInputOutputMultipleErrorMessage: () => Bu,
  getSparseReshapeMultipleNegativeOneOutputDimErrorMessage: () => Fu,
  getSparseReshapeNegativeOutputDimErrorMessage: () => Cu,
  getSparseSegmentReductionIndicesOutOfRangeErrorMessage: () => Ou,
  getSparseSegmentReductionNegativeSegmentIdsErrorMessage: () => _u,
  getSparseSegmentReductionNonIncreasingSegmentIdsErrorMessage: () => Pu,
  getSparseSegmentReductionSegmentIdOutOfRangeErrorMessage: () => Lu,
  getUndoAxesPermutation: () => oe,
  isIdentityPermutation: () => Iu,
  log: () => uc,
  mergeRealAndImagArrays: () => mu,
  prepareAndValidate: () => dp,
  prepareSplitSize: () => $u,
  segment_util: () => no,
  shouldFuse: () => Hp,
  slice_util: () => Qr,
  splitRealAndImagArrays: () => hu,
  stridesOrDilationsArePositive: () => or,
  tupleValuesAreOne: () => lt,
  upcastType: () => Ze,
  validateDefaultValueShape: () => Qp,
  validateInput: () => gp,
  validateUpdateShape: () => Yi,
  warn: () => ct,
});
function jp(t, e) {
  let r = t[0].length;
  (t.forEach((n, s) => {
    g(n.length === r, () => `Error in concat${r}D: rank of tensors[${s}] must be the same as the rank of the rest (${r})`);
  }),
    g(e >= 0 && e < r, () => `Error in concat${r}D: axis must be between 0 and ${r - 1}.`));
  let o = t[0];
  t.forEach((n, s) => {
    for (let i = 0; i < r; i++)
      g(
        i === e || n[i] === o[i],
        () => `Error in concat${r}D: Shape of tensors[${s}] (${n}) does not match the shape of the rest (${o}) along the non-concatenated axis ${s}.`,
      );
  });
}
function Xp(t, e) {
  let r = t[0].slice();
  for (let o = 1; o < t.length; o++) r[e] += t[o][e];
  return r;
}
var at;
(function (t) {
  ((t[(t.FIRST_DIM_SIZE = 0)] = 'FIRST_DIM_SIZE'),
    (t[(t.VALUE_ROWIDS = 1)] = 'VALUE_ROWIDS'),
    (t[(t.ROW_LENGTHS = 2)] = 'ROW_LENGTHS'),
    (t[(t.ROW_SPLITS = 3)] = 'ROW_SPLITS'),
    (t[(t.ROW_LIMITS = 4)] = 'ROW_LIMITS'),
    (t[(t.ROW_STARTS = 5)] = 'ROW_STARTS'));
})(at || (at = {}));
function Jp(t, e, r) {
  let o = new Array();
  if (r == null && e == null) return o;
  if (e == null) for (; o.length < t + r.length;) o.push(-1);
  else o = e.slice();
  if (r == null) return o;
  if (t + r.length !== o.length)
    throw new Error(`rt input.shape and shape=${e} are incompatible: rt input.rank = ${t + r.length}, but shape.rank = ${o.length}`);
  for (let n = 1; n < r.length; ++n) {
    let s = r[n],
      i = o[o.length - r.length + n],
      a = o[i];
    if (s >= 0)
      if (a >= 0) {
        if (a !== s) throw new Error(`rt input.shape and shape=${e} are incompatible: rt input.shape[${n + t}] = ${s} but shape[${n + t}] = ${a}`);
      } else o[i] = s;
  }
  return o;
}
function Zp(t) {
  let e = {
      FIRST_DIM_SIZE: at.FIRST_DIM_SIZE,
      VALUE_ROWIDS: at.VALUE_ROWIDS,
      ROW_LENGTHS: at.ROW_LENGTHS,
      ROW_SPLITS: at.ROW_SPLITS,
      ROW_LIMITS: at.ROW_LIMITS,
      ROW_STARTS: at.ROW_STARTS,
    },
    r = [];
  for (let o of t)
    if (o in e) r.push(e[o]);
    else break;
  return r;
}
function Yp(t) {
  return t.length === 0 ? 0 : t[0] === at.FIRST_DIM_SIZE ? t.length - 1 : t.length;
}
function Qp(t, e) {
  if (t == null || e == null) return;
  let r = t.length,
    o = e.length;
  if (r >= o)
    throw new Error(
      `defaultValue.shape=${t} and ragged tensor flatValues.shape=${e}, are incompatible: defaultValue.rank = ${r} must be less than ragged tensor input flatValues.rank = ${o})`,
    );
  for (let n = 0; n < Math.min(r, o - 1); ++n) {
    let s = t[n],
      i = e[n + 1];
    if (s >= 0 && i >= 0 && s !== 1 && s !== i)
      throw new Error(
        `defaultValue.shape=${t}, and ragged tensor input flatValues.shape=${e} are incompatible: defaultValue.shape[${n - t.length}] = ${s} but ragged tensor input.flatValues.shape[${n - t.length}] = ${i}`,
      );
  }
}
var wr = 30;
function tu(t) {
  return t <= wr ? t : Wt(t, Math.floor(Math.sqrt(t)));
}
function eu(t, e, r) {
  let o = r * (typeof t == 'number' ? t : t[0]),
    n = e * (typeof t == 'number' ? t : t[1]);
  return [o, n];
}
function ru(t, e, r, o = !0) {
  let n = [];
  if (o) ((n = n.concat(e.slice(0))), n.push(t[0] / r), (n = n.concat(t.slice(1))));
  else {
    n = n.concat(t[0]);
    let s = e.length;
    for (let i = 0; i < s; ++i) n = n.concat([t[i + 1] / e[i], e[i]]);
    n = n.concat(t.slice(s + 1));
  }
  return n;
}
function ou(t, e, r = !0) {
  let o = [];
  if (r) {
    o.push(e);
    for (let n = e + 1; n < t; ++n) n <= 2 * e ? (o.push(n), o.push(n - (e + 1))) : o.push(n);
  } else {
    let n = [],
      s = [];
    for (let i = 1; i < t; ++i) i >= e * 2 + 1 || i % 2 === 1 ? s.push(i) : n.push(i);
    (o.push(...n), o.push(0), o.push(...s));
  }
  return o;
}
function nu(t, e, r, o = !0) {
  let n = [];
  o ? n.push(t[0] / r) : n.push(t[0] * r);
  for (let s = 1; s < t.length; ++s) s <= e.length ? (o ? n.push(e[s - 1] * t[s]) : n.push(t[s] / e[s - 1])) : n.push(t[s]);
  return n;
}
function su(t, e) {
  let r = [0];
  for (let o = 0; o < e; ++o) r.push(t[o][0]);
  return r;
}
function iu(t, e, r) {
  let o = t.slice(0, 1);
  for (let n = 0; n < r; ++n) o.push(t[n + 1] - e[n][0] - e[n][1]);
  return o;
}
var eo = 1.7580993408473768,
  ro = 1.0507009873554805;
var au = 0.3275911,
  cu = 0.254829592,
  lu = -0.284496736,
  pu = 1.421413741,
  uu = -1.453152027,
  fu = 1.061405429;
function mu(t, e) {
  if (t.length !== e.length) throw new Error(`Cannot merge real and imag arrays of different lengths. real:${t.length}, imag: ${e.length}.`);
  let r = new Float32Array(t.length * 2);
  for (let o = 0; o < r.length; o += 2) ((r[o] = t[o / 2]), (r[o + 1] = e[o / 2]));
  return r;
}
function hu(t) {
  let e = new Float32Array(t.length / 2),
    r = new Float32Array(t.length / 2);
  for (let o = 0; o < t.length; o += 2) ((e[o / 2] = t[o]), (r[o / 2] = t[o + 1]));
  return { real: e, imag: r };
}
function du(t) {
  let e = Math.ceil(t.length / 4),
    r = new Float32Array(e),
    o = new Float32Array(e);
  for (let n = 0; n < t.length; n += 4) ((r[Math.floor(n / 4)] = t[n]), (o[Math.floor(n / 4)] = t[n + 1]));
  return { real: r, imag: o };
}
function gu(t) {
  let e = Math.floor(t.length / 4),
    r = new Float32Array(e),
    o = new Float32Array(e);
  for (let n = 2; n < t.length; n += 4) ((r[Math.floor(n / 4)] = t[n]), (o[Math.floor(n / 4)] = t[n + 1]));
  return { real: r, imag: o };
}
function xu(t, e) {
  let r = t[e * 2],
    o = t[e * 2 + 1];
  return { real: r, imag: o };
}
function wu(t, e, r, o) {
  ((t[o * 2] = e), (t[o * 2 + 1] = r));
}
function yu(t, e) {
  let r = new Float32Array(t / 2),
    o = new Float32Array(t / 2);
  for (let n = 0; n < Math.ceil(t / 2); n++) {
    let s = (e ? 2 : -2) * Math.PI * (n / t);
    ((r[n] = Math.cos(s)), (o[n] = Math.sin(s)));
  }
  return { real: r, imag: o };
}
function bu(t, e, r) {
  let o = (r ? 2 : -2) * Math.PI * (t / e),
    n = Math.cos(o),
    s = Math.sin(o);
  return { real: n, imag: s };
}
var oo = '->',
  Su = /->/g,
  ka = ',',
  Ea = '...';
function ku(t, e) {
  t = t.replace(/\s/g, '');
  let r = (t.length - t.replace(Su, '').length) / oo.length;
  if (r < 1) throw new Error('Equations without an arrow are not supported.');
  if (r > 1) throw new Error(`Equation must contain exactly one arrow ("${oo}").`);
  let [o, n] = t.split(oo);
  g(o.indexOf(Ea) === -1, () => `The ellipsis notation ("${Ea}") is not supported yet.`);
  let s = o.split(ka),
    i = s.length;
  if (e !== i) throw new Error(`Expected ${i} input tensors, received ${e}`);
  if (i > 2) throw new Error('Support for more than 2 input tensors is not implemented yet.');
  let a = [];
  for (let p = 0; p < n.length; ++p) {
    let x = n[p];
    if (!s.some((b) => b.indexOf(x) !== -1)) throw new Error(`Output subscripts contain the label ${x} not present in the input subscripts.`);
    a.indexOf(x) === -1 && a.push(x);
  }
  for (let p = 0; p < o.length; ++p) {
    let x = o[p];
    a.indexOf(x) === -1 && x !== ka && a.push(x);
  }
  let c = new Array(s.length);
  for (let p = 0; p < i; ++p) {
    if (new Set(s[p].split('')).size !== s[p].length)
      throw new Error(`Found duplicate axes in input component ${s[p]}. Support for duplicate axes in input is not implemented yet.`);
    c[p] = [];
    for (let x = 0; x < s[p].length; ++x) c[p].push(a.indexOf(s[p][x]));
  }
  let l = a.length,
    m = n.length,
    u = [];
  for (let p = m; p < l; ++p) u.push(p);
  return { allDims: a, summedDims: u, idDims: c };
}
function Eu(t, e) {
  let r = new Array(t);
  r.fill(-1);
  for (let n = 0; n < e.length; ++n) r[e[n]] = n;
  let o = [];
  for (let n = 0; n < t; ++n) r[n] === -1 && o.push(n);
  return ((r = r.filter((n) => n !== -1)), { permutationIndices: r, expandDims: o });
}
function Tu(t, e, r) {
  let o = new Array(t);
  for (let n = 0; n < r.length; ++n) {
    let s = r[n].shape;
    for (let i = 0; i < e[n].length; ++i)
      o[e[n][i]] === void 0
        ? (o[e[n][i]] = s[i])
        : g(o[e[n][i]] === s[i], () => `Expected dimension ${o[e[n][i]]} at axis ${i} of input shaped ${JSON.stringify(s)}, but got dimension ${s[i]}`);
  }
}
function vu(t, e) {
  let r = t,
    o = [],
    n = 0;
  (t.length === 0 && r.push(-1), (n = t.length + 1));
  for (let i = 0; i < n; ++i) o.push([]);
  let s = [];
  for (let i = 0; i < r.length; ++i) {
    let a = r[i],
      c = Au(e, a);
    for (let l of c) s.indexOf(l) === -1 && (o[i].push(l), s.push(l));
  }
  return { path: r, steps: o };
}
function Iu(t) {
  return t.every((e, r) => e === r);
}
function Au(t, e) {
  let r = [];
  for (let o = 0; o < t.length; ++o) (t[o].length === 0 || t[o].indexOf(e) !== -1 || e === -1) && r.push(o);
  return r;
}
function $u(t, e, r = 0) {
  let o = [];
  if (typeof e == 'number') (g(t.shape[r] % e === 0, () => 'Number of splits must evenly divide the axis.'), (o = new Array(e).fill(t.shape[r] / e)));
  else {
    let n = e.reduce((i, a) => (a === -1 && (i += 1), i), 0);
    g(n <= 1, () => 'There should be only one negative value in split array.');
    let s = e.indexOf(-1);
    if (s !== -1) {
      let i = e.reduce((a, c) => (c > 0 ? a + c : a));
      e[s] = t.shape[r] - i;
    }
    (g(t.shape[r] === e.reduce((i, a) => i + a), () => 'The sum of sizes must match the size of the axis dimension.'), (o = e));
  }
  return o;
}
function Nu(t) {
  return `Received SparseTensor with denseShape[0] = 0 but
  indices.shape[0] = ${t}`;
}
function Du(t, e) {
  return `indices(${t}, 0) is invalid: ${e} < 0`;
}
function Gu(t, e, r) {
  return `indices(${t}, 0) is invalid: ${e} >= ${r}`;
}
function Fu(t, e) {
  return `only one output dimension may be -1, not both ${t} and ${e}`;
}
function Cu(t, e) {
  return `size ${t} must be non-negative, not ${e}`;
}
function Mu() {
  return 'reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero';
}
function Bu(t, e) {
  let r = _(t),
    o = _(e);
  return `Input to reshape is a SparseTensor with ${r}
  dense values, but the requested shape requires a multiple of ${o}. inputShape=${t} outputShape= ${e}`;
}
function Ru(t, e) {
  let r = _(t),
    o = _(e);
  return `Input to reshape is a tensor with ${r} dense values, but the requested shape has ${o}. inputShape=${t} outputShape=${e}`;
}
function _u() {
  return 'segment ids must be >= 0';
}
function Pu() {
  return 'segment ids are not increasing';
}
function Lu(t, e) {
  return `Segment id ${t} out of range [0, ${e}), possibly because segmentIds input is not sorted.`;
}
function Ou(t, e, r) {
  return `Bad: indices[${t}] == ${e} out of range [0, ${r})`;
}
var no = {};
kr(no, { collectGatherOpShapeInfo: () => qu, computeOutShape: () => Uu, segOpComputeOptimalWindowSize: () => zu });
function zu(t, e) {
  let r = !1,
    o;
  for (t <= wr ? ((o = t), (r = !0)) : (o = Wt(t, Math.floor(Math.sqrt(t)))); !r;) o > e || o === t ? (r = !0) : (o = Wt(t, o + 1));
  return o;
}
function Uu(t, e, r) {
  let o = [],
    n = t.length;
  for (let s = 0; s < n; s++) s !== e ? o.push(t[s]) : o.push(r);
  return o;
}
function qu(t, e, r, o) {
  let n = e.shape.length,
    s = t.shape.length;
  if (o !== 0 && (o < -n || o > n)) throw new Error(`Expect batchDims in the range of [-${n}, ${n}], but got ${o}`);
  if ((o < 0 && (o += n), o > s))
    throw new Error(`batchDims (${o}) must be less than rank(x) (
    ${s}).`);
  if (r < o) throw new Error(`batchDims (${o}) must be less than or equal to axis (${r}).`);
  for (let u = 0; u < o; ++u)
    if (t.shape[u] !== e.shape[u]) throw new Error(`x.shape[${u}]: ${t.shape[u]} should be equal to indices.shape[${u}]: ${e.shape[u]}.`);
  let i = t.shape[r],
    a = [],
    c = 1,
    l = 1,
    m = 1;
  for (let u = 0; u < o; ++u) (a.push(t.shape[u]), (c *= t.shape[u]));
  for (let u = o; u < r; u++) (a.push(t.shape[u]), (l *= t.shape[u]));
  for (let u = o; u < n; u++) a.push(e.shape[u]);
  for (let u = r + 1; u < s; u++) (a.push(t.shape[u]), (m *= t.shape[u]));
  return { batchSize: c, sliceSize: m, outerSize: l, dimSize: i, outputShape: a };
}
function Wu(t) {
  try {
    return t.map((e) => Ht(e));
  } catch (e) {
    throw new Error(`Failed to decode encoded string bytes into utf-8, error: ${e}`);
  }
}
function Ku(t) {
  return t.map((e) => je(e));
}
function Vu(t, e, r) {
  let o = t.shape.slice();
  o[r] = 1;
  let n = y(e, o),
    s = to(t, r, !0, !1),
    i = to(t, r, !0, !0),
    a = w(s, i);
  return w(n, a);
}
function Hu(t, e, r) {
  let o = t.shape.length,
    n = o - r.length,
    s = ce.getAxesPermutation(r, o),
    i = t;
  s != null && (i = st(t, s));
  let a = i.shape.slice(),
    l = a.splice(o - r.length, r.length).reduce((p, x) => p * x, 1);
  a.push(l);
  let m = i.reshape(a),
    u = Vu(m, e, n);
  if (((u = u.reshape(i.shape)), s != null)) {
    let p = ce.getUndoAxesPermutation(s);
    u = st(u, p);
  }
  return u;
}
var Ta = {
  kernelName: pn,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { axis: n } = r,
      s = [];
    return (n == null ? (s = o.shape.map((i, a) => a)) : typeof n == 'number' ? (s = [n]) : (s = n), { x: () => Hu(o, t, s) });
  },
};
var va = {
  kernelName: ge,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = D(t, E(o, 'float32')),
          c = C(r.shape, n);
        return c.length > 0 ? y($(a, c), r.shape) : a;
      },
      b: () => {
        let a = w(t, E(r, 'float32')),
          c = C(o.shape, n);
        c.length > 0 && (a = y($(a, c), o.shape));
        let l = B(o);
        return L(D(a, E(l, 'float32')));
      },
    };
  },
};
var Ia = {
  kernelName: fn,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, L(B(r))) };
  },
};
var Aa = {
  kernelName: De,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e,
      o = w(Ct(r, 6), gt(r));
    return { x: () => w(t, E(o, 'float32')) };
  },
};
var $a = {
  kernelName: $e,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, E(gt(r), 'float32')) };
  },
};
var Na = {
  kernelName: Ne,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => y(t, r.shape) };
  },
};
var Da = {
  kernelName: dn,
  inputsToSave: ['images'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      n = { dy: t, images: o };
    return { images: () => f.runKernel(gn, n, r) };
  },
};
var Ga = {
  kernelName: mn,
  inputsToSave: ['images'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      n = { dy: t, images: o };
    return { images: () => f.runKernel(hn, n, r) };
  },
};
var Fa = {
  kernelName: Ge,
  gradFunc: (t, e, r) => {
    let { dims: o } = r,
      n = Z(o, t.shape);
    return { x: () => Sa(t, n) };
  },
};
var Ca = { kernelName: xn, gradFunc: (t) => ({ x: () => A(t) }) };
var Ma = {
  kernelName: Fe,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => L(D(t, w(ur(r, 1.5), 2))) };
  },
};
var Ba = {
  kernelName: Ce,
  inputsToSave: ['condition'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { condition: () => E(A(r), 'float32'), t: () => w(t, E(r, t.dtype)), e: () => w(t, E(da(r), t.dtype)) };
  },
};
var Ra = {
  kernelName: wn,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return {
      x: () => {
        let o = it(r, R(0)),
          n = R(eo),
          s = R(ro),
          i = w(t, s),
          a = w(w(t, n), xt(E(r, 'float32')));
        return tt(o, i, a);
      },
    };
  },
};
var _a = {
  kernelName: Re,
  outputsToSave: [!0],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, w(r, O(R(1), r))) };
  },
};
var Pa = { kernelName: yn, gradFunc: (t) => ({ x: () => A(t) }) };
var La = {
  kernelName: 'Sin',
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(xr(E(r, 'float32')), t) };
  },
};
var Oa = {
  kernelName: Be,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(pa(E(r, 'float32')), t) };
  },
};
var za = {
  kernelName: Me,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { begin: n, size: s } = r,
      i = o.shape,
      [a, c] = Yr(o, n, s),
      l = [];
    for (let m = 0; m < t.rank; m++) l.push([a[m], i[m] - a[m] - c[m]]);
    return { x: () => xa(t, l) };
  },
};
var Ua = {
  kernelName: Sn,
  outputsToSave: [!0],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { dim: n } = r,
      s = !0,
      i = w(t, o);
    return { logits: () => O(i, w($(i, [n], s), o)) };
  },
};
var qa = {
  kernelName: bn,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, gr(r)) };
  },
};
var so = {
  kernelName: Pe,
  gradFunc: (t, e, r) => {
    let { blockShape: o, paddings: n } = r;
    return { x: () => la(t, o, n) };
  },
};
var io = {
  kernelName: Le,
  gradFunc: (t, e, r) => {
    let { axis: o } = r;
    return { x: () => ca(t, o) };
  },
};
var Wa = {
  kernelName: _e,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, w(nt(E(r, 'float32')), 2)) };
  },
};
var Ka = {
  kernelName: En,
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(t, w(E(r, 'float32'), 2)) };
  },
};
var Va = {
  kernelName: kn,
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = R(2);
    return { a: () => w(t, w(n, O(r, o))), b: () => w(t, w(n, O(o, r))) };
  },
};
var Ha = { kernelName: qe, gradFunc: (t) => ({ x: () => A(t) }) };
var ja = {
  kernelName: 'Sub',
  inputsToSave: ['a', 'b'],
  gradFunc: (t, e) => {
    let [r, o] = e,
      n = G(r.shape, o.shape);
    return {
      a: () => {
        let a = t,
          c = C(r.shape, n);
        return (c.length > 0 && (a = $(a, c)), y(a, r.shape));
      },
      b: () => {
        let a = t,
          c = C(o.shape, n);
        return (c.length > 0 && (a = $(a, c)), y(L(a), o.shape));
      },
    };
  },
};
var Xa = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      n = o.shape.slice(),
      { axis: s } = r;
    Z(s, o.shape).forEach((l) => {
      n[l] = 1;
    });
    let a = y(t, n),
      c = w(a, St(o.shape, 'float32'));
    return { x: () => c };
  },
};
var Ja = {
  kernelName: 'Tan',
  inputsToSave: ['x'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => D(t, B(xr(r))) };
  },
};
var Za = {
  kernelName: Tn,
  outputsToSave: [!0],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => w(O(R(1), B(r)), t) };
  },
};
var Ya = {
  kernelName: Tt,
  inputsToSave: ['x'],
  gradFunc: (t, e, r) => {
    let [o] = e,
      { reps: n } = r;
    return {
      x: () => {
        let i = A(o);
        if (o.rank === 1) for (let a = 0; a < n[0]; ++a) i = K(i, ut(t, [a * o.shape[0]], [o.shape[0]]));
        else if (o.rank === 2)
          for (let a = 0; a < n[0]; ++a) for (let c = 0; c < n[1]; ++c) i = K(i, ut(t, [a * o.shape[0], c * o.shape[1]], [o.shape[0], o.shape[1]]));
        else if (o.rank === 3)
          for (let a = 0; a < n[0]; ++a)
            for (let c = 0; c < n[1]; ++c)
              for (let l = 0; l < n[2]; ++l) i = K(i, ut(t, [a * o.shape[0], c * o.shape[1], l * o.shape[2]], [o.shape[0], o.shape[1], o.shape[2]]));
        else if (o.rank === 4)
          for (let a = 0; a < n[0]; ++a)
            for (let c = 0; c < n[1]; ++c)
              for (let l = 0; l < n[2]; ++l)
                for (let m = 0; m < n[3]; ++m)
                  i = K(i, ut(t, [a * o.shape[0], c * o.shape[1], l * o.shape[2], m * o.shape[3]], [o.shape[0], o.shape[1], o.shape[2], o.shape[3]]));
        else throw new Error(`Gradient for tile operation is not implemented for rank-${o.rank} tensors yet.`);
        return i;
      },
    };
  },
};
var Qa = {
  kernelName: vt,
  gradFunc: (t, e, r) => {
    let o = r,
      { perm: n } = o,
      s = oe(n);
    return { x: () => st(t, s) };
  },
};
var tc = {
  kernelName: Oe,
  gradFunc: (t, e, r) => {
    let o = r,
      { axis: n } = o;
    return { value: () => lr(t, n) };
  },
};
var ec = {
  kernelName: ze,
  inputsToSave: ['segmentIds'],
  gradFunc: (t, e) => {
    let [r] = e;
    return { x: () => ju(t, r) };
  },
};
function ju(t, e) {
  let r = ga(e, A(e)),
    o = ma(t, r),
    n = Ft(e, R(0, 'int32')),
    s = o.rank - n.rank;
  for (let a = 0; a < s; ++a) n = fa(n, a + 1);
  n = nr(n, St(o.shape, 'bool'));
  let i = A(o);
  return tt(n, o, i);
}
var rc = { kernelName: Ue, gradFunc: (t) => ({ x: () => A(t) }) };
var Xu = [
  rr,
  Zn,
  Yn,
  Qn,
  ts,
  es,
  rs,
  os,
  ns,
  ss,
  is,
  as,
  us,
  ms,
  hs,
  gs,
  xs,
  ws,
  ys,
  bs,
  Ss,
  Es,
  As,
  vs,
  Ds,
  Fs,
  Ms,
  zs,
  Ws,
  Ks,
  va,
  Hs,
  js,
  Xs,
  Js,
  Zs,
  Qs,
  Ys,
  ri,
  ii,
  ai,
  ci,
  li,
  pi,
  ui,
  fi,
  mi,
  hi,
  di,
  xi,
  Vr,
  Vr,
  bi,
  ki,
  Ti,
  vi,
  Ii,
  Ai,
  $i,
  Di,
  Gi,
  Fi,
  Ci,
  Mi,
  Ri,
  Hr,
  Hr,
  Pi,
  Li,
  Ta,
  Ia,
  Aa,
  $a,
  Na,
  Da,
  Ga,
  Fa,
  Ca,
  Ma,
  Ba,
  Ra,
  _a,
  Pa,
  La,
  Oa,
  za,
  Ua,
  qa,
  so,
  so,
  io,
  io,
  Wa,
  Va,
  Ka,
  Ha,
  ja,
  Xa,
  Ja,
  Za,
  Ya,
  Qa,
  tc,
  ec,
  rc,
];
for (let t of Xu) Bn(t);
