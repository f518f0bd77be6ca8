import jsonata from 'jsonata';
const r = await jsonata('lines.sku').evaluate({ lines: [{ sku: 'a' }, { sku: 'b' }] });
console.log(r, Object.getOwnPropertyNames(r), JSON.stringify(Object.getOwnPropertyDescriptors(r)));
const r2 = await jsonata('$record.x & $').evaluate('y', { record: { x: 'X' } });
console.log(r2);
