import 'reflect-metadata';
import '../../src';
function Mark(): MethodDecorator { return () => undefined; }
class A { @Mark() m(): number { return 1; } }
test('legacy decorators compile', () => { expect(new A().m()).toBe(1); });
